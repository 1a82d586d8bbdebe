package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One master, one replica and one sentinel (quorum 1), each a local {@code redis-server} process on a free
 * loopback port.
 *
 * <p>
 * Always local processes, also when {@code REDIS_URL} is set or Docker answers: sentinels hand out the
 * addresses that servers announce, which must be reachable from the test. The sentinel marks the master down
 * after 1 second without an answer, so {@code master().kill()} leads to a failover to the replica within a few
 * seconds. Connect with Lettuce's {@code RedisURI.Builder.sentinel(host, port, masterName)}.
 */
public final class RedisSentinelGroup implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	/** Redis 7 otherwise waits 5 s for more replicas before its first (diskless) full sync. */
	private static final List<String> MASTER_ARGS = List.of("--repl-diskless-sync-delay", "0");

	private static final int DOWN_AFTER_MILLIS = 1000;

	private static final int FAILOVER_TIMEOUT_MILLIS = 5000;

	private final String masterName;

	private final RedisServer master;

	private final RedisServer replica;

	private final RedisServer sentinel;

	private RedisSentinelGroup(String masterName, RedisServer master, RedisServer replica, RedisServer sentinel) {
		this.masterName = masterName;
		this.master = master;
		this.replica = replica;
		this.sentinel = sentinel;
	}

	/**
	 * Starts the group and returns once the replica is in sync and the sentinel knows both the master and the
	 * replica.
	 * @param masterName the name the sentinel monitors the master under
	 */
	public static RedisSentinelGroup start(String masterName) {
		if (masterName.isBlank() || masterName.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("Master name must be a single word, got '" + masterName + "'");
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			RedisServer master = RedisServer.local(null, MASTER_ARGS, FreePorts::next);
			started.add(master);
			RedisServer replica = RedisServer.local(null,
					List.of("--replicaof", master.host(), String.valueOf(master.port())), FreePorts::next);
			started.add(replica);
			// The sentinel learns replicas from the master's INFO, so start it once the replica is attached.
			await(() -> RespProbe.text(replica.host(), replica.port(), "INFO", "replication")
				.contains("master_link_status:up"), "replica " + replica.uri() + " to sync with " + master.uri());
			RedisServer sentinel = RedisServer.local(sentinelConfig(masterName, master), List.of("--sentinel"),
					FreePorts::next);
			started.add(sentinel);
			RedisSentinelGroup group = new RedisSentinelGroup(masterName, master, replica, sentinel);
			await(group::sentinelKnowsTopology, "the sentinel on port " + sentinel.port() + " to know master "
					+ masterName + " and its replica");
			return group;
		}
		catch (RuntimeException ex) {
			Collections.reverse(started);
			started.forEach(RedisServer::close);
			throw ex;
		}
	}

	public RedisServer master() {
		return this.master;
	}

	public RedisServer replica() {
		return this.replica;
	}

	public String masterName() {
		return this.masterName;
	}

	/** The sentinel as {@code 127.0.0.1:port}. */
	public String sentinelNodes() {
		return this.sentinel.host() + ":" + this.sentinel.port();
	}

	/** Stops the sentinel first, so it cannot start a failover while the servers go down; idempotent. */
	@Override
	public void close() {
		this.sentinel.close();
		this.replica.close();
		this.master.close();
	}

	private boolean sentinelKnowsTopology() {
		String host = this.sentinel.host();
		int port = this.sentinel.port();
		String masterAddress = RespProbe.text(host, port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.masterName);
		String replicas = RespProbe.text(host, port, "SENTINEL", "REPLICAS", this.masterName);
		return masterAddress.equals(List.of(this.master.host(), String.valueOf(this.master.port())).toString())
				&& replicas.contains(this.replica.host() + ":" + this.replica.port());
	}

	private static String sentinelConfig(String masterName, RedisServer master) {
		return "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " 1\n"
				+ "sentinel down-after-milliseconds " + masterName + " " + DOWN_AFTER_MILLIS + "\n"
				+ "sentinel failover-timeout " + masterName + " " + FAILOVER_TIMEOUT_MILLIS + "\n";
	}

	private static void await(BooleanSupplier condition, String what) {
		if (!Poll.await(READY_TIMEOUT, condition)) {
			throw new IllegalStateException("Timed out after " + READY_TIMEOUT.toSeconds() + "s waiting for " + what);
		}
	}

}
