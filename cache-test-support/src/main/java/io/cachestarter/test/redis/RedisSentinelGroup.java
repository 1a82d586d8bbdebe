package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * One master, one replica and three sentinels (quorum 2), each a local {@code redis-server} process on a free
 * loopback port: the smallest group in which a master that dies or freezes is replaced by a majority vote, as in
 * production.
 *
 * <p>
 * Always local processes, also when {@code REDIS_URL} is set or Docker answers: sentinels hand out the
 * addresses that servers announce, which must be reachable from the test. The sentinels mark the master down
 * after {@code downAfter} (1 second unless given) without an answer, so killing or pausing
 * {@link #currentMaster()} leads to a failover to the replica within a few seconds; {@link #awaitPromotion}
 * waits for it and {@link #recover} brings the old master back as a replica of the new one. Connect with
 * Lettuce's {@code RedisURI.Builder.sentinel(host, port, masterName)} or Spring Boot's
 * {@code spring.data.redis.sentinel.nodes=}{@link #sentinelNodes()}.
 */
public final class RedisSentinelGroup implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Redis 7 otherwise waits 5 s for more replicas before its first (diskless) full sync; the replica gets it too,
	 * since it becomes the master that syncs the old one after a failover.
	 */
	private static final List<String> MASTER_ARGS = List.of("--repl-diskless-sync-delay", "0");

	static final Duration DEFAULT_DOWN_AFTER = Duration.ofSeconds(1);

	private static final int FAILOVER_TIMEOUT_MILLIS = 5000;

	private static final int SENTINELS = 3;

	private static final int QUORUM = 2;

	private final String masterName;

	private final RedisServer master;

	private final RedisServer replica;

	private final List<RedisServer> sentinels;

	private RedisSentinelGroup(String masterName, RedisServer master, RedisServer replica,
			List<RedisServer> sentinels) {
		this.masterName = masterName;
		this.master = master;
		this.replica = replica;
		this.sentinels = List.copyOf(sentinels);
	}

	/**
	 * Starts the group with a down-after of one second; see {@link #start(String, Duration)}.
	 * @param masterName the name the sentinels monitor the master under
	 */
	public static RedisSentinelGroup start(String masterName) {
		return start(masterName, DEFAULT_DOWN_AFTER);
	}

	/**
	 * Starts the group and returns once the replica is in sync and every sentinel knows the master, the replica
	 * and the other sentinels (without that, no majority could vote for a failover).
	 * @param masterName the name the sentinels monitor the master under
	 * @param downAfter how long the master may not answer before a sentinel considers it down; tests that pause
	 * the master briefly without wanting a failover give a longer one
	 */
	public static RedisSentinelGroup start(String masterName, Duration downAfter) {
		if (masterName.isBlank() || masterName.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("Master name must be a single word, got '" + masterName + "'");
		}
		if (downAfter.toMillis() < 100) {
			throw new IllegalArgumentException("downAfter must be at least 100ms, got " + downAfter);
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			RedisServer master = RedisServer.local(null, MASTER_ARGS, FreePorts::next);
			started.add(master);
			List<String> replicaArgs = new ArrayList<>(MASTER_ARGS);
			replicaArgs.addAll(List.of("--replicaof", master.host(), String.valueOf(master.port())));
			RedisServer replica = RedisServer.local(null, replicaArgs, FreePorts::next);
			started.add(replica);
			// The sentinels learn replicas from the master's INFO, so start them once the replica is attached.
			await(() -> isInSync(replica), "replica " + replica.uri() + " to sync with " + master.uri());
			List<RedisServer> sentinels = new ArrayList<>();
			for (int i = 0; i < SENTINELS; i++) {
				RedisServer sentinel = RedisServer.local(sentinelConfig(masterName, master, downAfter),
						List.of("--sentinel"), FreePorts::next);
				started.add(sentinel);
				sentinels.add(sentinel);
			}
			RedisSentinelGroup group = new RedisSentinelGroup(masterName, master, replica, sentinels);
			await(() -> group.sentinelsKnow(master, replica), "the sentinels " + group.sentinelNodes()
					+ " to know master " + masterName + ", its replica and each other");
			return group;
		}
		catch (RuntimeException ex) {
			Collections.reverse(started);
			started.forEach(RedisServer::close);
			throw ex;
		}
	}

	/** The server that was the master when the group started; after a failover, see {@link #currentMaster()}. */
	public RedisServer master() {
		return this.master;
	}

	/** The server that was the replica when the group started. */
	public RedisServer replica() {
		return this.replica;
	}

	/** The master and the replica, in start order. */
	public List<RedisServer> servers() {
		return List.of(this.master, this.replica);
	}

	public String masterName() {
		return this.masterName;
	}

	/** The sentinels as {@code 127.0.0.1:port,127.0.0.1:port,...}. */
	public String sentinelNodes() {
		return this.sentinels.stream()
			.map((sentinel) -> sentinel.host() + ":" + sentinel.port())
			.collect(Collectors.joining(","));
	}

	public List<RedisServer> sentinels() {
		return this.sentinels;
	}

	/**
	 * The server the sentinels currently name as master (the answer of the first sentinel that answers).
	 * @throws IllegalStateException if no sentinel names one of this group's servers
	 */
	public RedisServer currentMaster() {
		RedisServer current = reportedMaster();
		if (current == null) {
			throw new IllegalStateException("No sentinel of " + sentinelNodes() + " names a master of this group");
		}
		return current;
	}

	/** The server the sentinels currently name as replica: the one that is not {@link #currentMaster()}. */
	public RedisServer currentReplica() {
		return (currentMaster() == this.master) ? this.replica : this.master;
	}

	/**
	 * Waits until the sentinels name another master than {@code failed} and that server says it is a master.
	 * @param failed the master that was killed or paused
	 * @param timeout how long to wait
	 * @return the promoted server
	 * @throws IllegalStateException if no failover happened in time
	 */
	public RedisServer awaitPromotion(RedisServer failed, Duration timeout) {
		RedisServer candidate = (failed == this.master) ? this.replica : this.master;
		boolean promoted = Poll.await(timeout, () -> reportedMaster() == candidate && RespProbe
			.text(candidate.host(), candidate.port(), "INFO", "replication")
			.contains("role:master"));
		if (!promoted) {
			throw new IllegalStateException("The sentinels did not promote " + candidate.uri() + " within "
					+ timeout.toMillis() + "ms after " + failed.uri() + " failed");
		}
		return candidate;
	}

	/**
	 * Brings a killed or paused server back as a replica of the current master, and returns once it is in sync
	 * and every sentinel sees it as a replica again. A server that still runs as the replica is left as it is.
	 * @param server one of {@link #servers()}
	 */
	public void recover(RedisServer server) {
		if (server != this.master && server != this.replica) {
			throw new IllegalArgumentException(server + " is not a server of this group");
		}
		server.recover();
		RedisServer current = currentMaster();
		if (current == server) {
			return;
		}
		// A restarted or resumed old master believes it is still the master; the sentinels would demote it after a
		// while, but the next test should not have to wait for that.
		if (!RespProbe.text(server.host(), server.port(), "INFO", "replication")
			.contains("master_port:" + current.port())) {
			server.commands().replicaof(current.host(), current.port());
		}
		await(() -> isInSync(server), () -> "server " + server.uri() + " to sync with " + current.uri() + "; it reports "
				+ RespProbe.text(server.host(), server.port(), "INFO", "replication").replace("\r\n", " ")
				+ "; the master reports "
				+ RespProbe.text(current.host(), current.port(), "INFO", "replication").replace("\r\n", " "));
		await(() -> this.sentinels.stream().allMatch((sentinel) -> seesReplica(sentinel, server)),
				"the sentinels to see " + server.uri() + " as a replica of " + current.uri());
	}

	/** Stops the sentinels first, so they cannot start a failover while the servers go down; idempotent. */
	@Override
	public void close() {
		this.sentinels.forEach(RedisServer::close);
		this.replica.close();
		this.master.close();
	}

	private @Nullable RedisServer reportedMaster() {
		for (RedisServer sentinel : this.sentinels) {
			String address = RespProbe.text(sentinel.host(), sentinel.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME",
					this.masterName);
			for (RedisServer server : servers()) {
				if (address.equals(address(server))) {
					return server;
				}
			}
		}
		return null;
	}

	private boolean sentinelsKnow(RedisServer master, RedisServer replica) {
		for (RedisServer sentinel : this.sentinels) {
			String host = sentinel.host();
			int port = sentinel.port();
			String masterAddress = RespProbe.text(host, port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.masterName);
			String replicas = RespProbe.text(host, port, "SENTINEL", "REPLICAS", this.masterName);
			String others = RespProbe.text(host, port, "SENTINEL", "SENTINELS", this.masterName);
			long otherSentinels = this.sentinels.stream()
				.filter((other) -> other != sentinel && others.contains("port, " + other.port() + ","))
				.count();
			if (!masterAddress.equals(address(master)) || !replicas.contains(replica.host() + ":" + replica.port())
					|| otherSentinels != SENTINELS - 1) {
				return false;
			}
		}
		return true;
	}

	/** The replica is listed and not flagged down or disconnected. */
	private boolean seesReplica(RedisServer sentinel, RedisServer server) {
		String replicas = RespProbe.text(sentinel.host(), sentinel.port(), "SENTINEL", "REPLICAS", this.masterName);
		int at = replicas.indexOf(server.host() + ":" + server.port());
		if (at < 0) {
			return false;
		}
		int end = replicas.indexOf(']', at);
		String entry = replicas.substring(at, (end > 0) ? end : replicas.length());
		return !entry.contains("s_down") && !entry.contains("disconnected");
	}

	private static boolean isInSync(RedisServer replica) {
		return RespProbe.text(replica.host(), replica.port(), "INFO", "replication")
			.contains("master_link_status:up");
	}

	private static String address(RedisServer server) {
		return List.of(server.host(), String.valueOf(server.port())).toString();
	}

	private static String sentinelConfig(String masterName, RedisServer master, Duration downAfter) {
		return "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " " + QUORUM + "\n"
				+ "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis() + "\n"
				+ "sentinel failover-timeout " + masterName + " " + FAILOVER_TIMEOUT_MILLIS + "\n";
	}

	private static void await(BooleanSupplier condition, String what) {
		await(condition, () -> what);
	}

	private static void await(BooleanSupplier condition, Supplier<String> what) {
		if (!Poll.await(READY_TIMEOUT, condition)) {
			throw new IllegalStateException(
					"Timed out after " + READY_TIMEOUT.toSeconds() + "s waiting for " + what.get());
		}
	}

}
