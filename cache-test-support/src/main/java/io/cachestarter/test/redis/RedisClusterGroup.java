package io.cachestarter.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster of local {@code redis-server} processes, each on a free loopback port, with every slot assigned:
 * masters only ({@link #start(int)}), or masters with replicas that take over when their master dies or freezes
 * ({@link #builder()}), optionally over TLS.
 *
 * <p>
 * Always local processes, also when {@code REDIS_URL} is set or Docker answers: a cluster needs nodes that
 * announce addresses the test can reach. Connect with Lettuce's {@code RedisClusterClient} or Spring Boot's
 * {@code spring.data.redis.cluster.nodes} using {@link #nodes()} (or {@link #tlsNodes()}). Each node is a
 * {@link RedisServer}, so faults can be injected into one of them; {@link #masterFor(String)},
 * {@link #awaitPromotion} and {@link #recover} follow the topology through a failover.
 */
public final class RedisClusterGroup implements AutoCloseable {

	private static final int MIN_MASTERS = 3;

	private static final int SLOTS = 16384;

	private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(3);

	private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> servers;

	/** Node ids never change: a restarted node reads them back from its {@code nodes.conf}. */
	private final Map<RedisServer, String> ids = new LinkedHashMap<>();

	private RedisClusterGroup(List<RedisServer> servers) {
		this.servers = List.copyOf(servers);
	}

	/**
	 * Starts {@code masters} nodes without replicas, joins them with {@code redis-cli --cluster create}, and
	 * returns once every node reports {@code cluster_state:ok}.
	 * @param masters the number of master nodes, at least 3 (as {@code redis-cli} requires)
	 */
	public static RedisClusterGroup start(int masters) {
		return builder().masters(masters).start();
	}

	/**
	 * Returns a builder for a cluster with replicas, TLS or extra node arguments.
	 * @return a builder for 3 masters without replicas, a node timeout of 3 s, no TLS
	 */
	public static Builder builder() {
		return new Builder();
	}

	/** The nodes as {@code 127.0.0.1:port} (plain ports), in start order. */
	public List<String> nodes() {
		return this.servers.stream().map((server) -> server.host() + ":" + server.port()).toList();
	}

	/** The nodes as {@code 127.0.0.1:tlsPort}, in start order, for a cluster started with TLS. */
	public List<String> tlsNodes() {
		return this.servers.stream().map((server) -> server.host() + ":" + server.tlsPort()).toList();
	}

	public List<RedisServer> servers() {
		return this.servers;
	}

	/** The nodes that currently say they are masters (a killed or paused one says nothing). */
	public List<RedisServer> masters() {
		return this.servers.stream().filter((server) -> role(server).equals("master")).toList();
	}

	/**
	 * The master that serves the slot of {@code key} in the view of the nodes that answer.
	 * @param key a Redis key (hash tags apply)
	 * @return its master
	 * @throws IllegalStateException if no answering node names a master for the slot
	 */
	public RedisServer masterFor(String key) {
		int slot = SlotHash.getSlot(key);
		for (RedisServer reporter : this.servers) {
			for (String line : RespProbe.text(reporter.host(), reporter.port(), "CLUSTER", "NODES").split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")
						&& servesSlot(fields, slot)) {
					return byId(fields[0]);
				}
			}
		}
		throw new IllegalStateException("No node of " + nodes() + " names a master for slot " + slot);
	}

	/**
	 * The slots a master serves, in the view of the nodes that answer.
	 * @param master a master of this cluster
	 * @return its slots (empty if no answering node names it as a master)
	 */
	public BitSet slotsOf(RedisServer master) {
		String masterId = id(master);
		BitSet slots = new BitSet(SLOTS);
		for (RedisServer reporter : this.servers) {
			for (String line : RespProbe.text(reporter.host(), reporter.port(), "CLUSTER", "NODES").split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length > 8 && fields[0].equals(masterId) && fields[2].contains("master")) {
					for (int slot = 0; slot < SLOTS; slot++) {
						if (servesSlot(fields, slot)) {
							slots.set(slot);
						}
					}
					return slots;
				}
			}
		}
		return slots;
	}

	/**
	 * The replicas of a master, from the view of the other nodes (so also while the master is down).
	 * @param master a master of this cluster
	 * @return its replicas
	 */
	public List<RedisServer> replicasOf(RedisServer master) {
		String masterId = id(master);
		List<RedisServer> replicas = new ArrayList<>();
		for (RedisServer server : this.servers) {
			if (server != master && RespProbe.text(server.host(), server.port(), "CLUSTER", "NODES")
				.lines()
				.anyMatch((line) -> line.contains("myself") && line.split(" ")[3].equals(masterId))) {
				replicas.add(server);
			}
		}
		return replicas;
	}

	/**
	 * Waits until a replica of {@code failed} has taken over its slots: the replica says it is a master.
	 * @param failed the master that was killed or paused
	 * @param replicas its replicas, as {@link #replicasOf} returned before the fault
	 * @param timeout how long to wait
	 * @return the promoted node
	 * @throws IllegalStateException if no replica was promoted in time
	 */
	public RedisServer awaitPromotion(RedisServer failed, List<RedisServer> replicas, Duration timeout) {
		RedisServer[] promoted = new RedisServer[1];
		boolean done = Poll.await(timeout, () -> {
			for (RedisServer replica : replicas) {
				if (role(replica).equals("master")) {
					promoted[0] = replica;
					return true;
				}
			}
			return false;
		});
		if (!done) {
			throw new IllegalStateException("No replica of " + failed.uri() + " (" + replicas + ") was promoted within "
					+ timeout.toMillis() + "ms");
		}
		return promoted[0];
	}

	/**
	 * Brings a killed or paused node back, and returns once it has rejoined (as a replica of the node that took its
	 * slots over, if a failover happened), is in sync, and every node reports {@code cluster_state:ok} and sees
	 * it as healthy.
	 * @param server one of {@link #servers()}
	 */
	public void recover(RedisServer server) {
		server.recover();
		String id = id(server);
		await(() -> role(server).equals("master") || isInSync(server), "node " + server.uri() + " to sync");
		await(() -> this.servers.stream().allMatch((other) -> {
			String nodes = RespProbe.text(other.host(), other.port(), "CLUSTER", "NODES");
			return nodes.lines().anyMatch((line) -> line.startsWith(id) && !line.contains("fail"))
					&& RespProbe.text(other.host(), other.port(), "CLUSTER", "INFO").contains("cluster_state:ok");
		}), "every node to see " + server.uri() + " as healthy");
	}

	/**
	 * The node id of a node of this cluster.
	 * @param server one of {@link #servers()}
	 * @return its id
	 */
	public String id(RedisServer server) {
		String id = this.ids.get(server);
		if (id == null) {
			throw new IllegalArgumentException(server + " is not a node of this cluster");
		}
		return id;
	}

	/** Stops every node; idempotent. */
	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

	private RedisServer byId(String id) {
		for (Map.Entry<RedisServer, String> entry : this.ids.entrySet()) {
			if (entry.getValue().equals(id)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("Unknown node id " + id + " in cluster " + nodes());
	}

	private static String role(RedisServer server) {
		String replication = RespProbe.text(server.host(), server.port(), "INFO", "replication");
		return replication.contains("role:master") ? "master" : replication.contains("role:slave") ? "slave" : "";
	}

	private static boolean isInSync(RedisServer replica) {
		return RespProbe.text(replica.host(), replica.port(), "INFO", "replication")
			.contains("master_link_status:up");
	}

	private static boolean servesSlot(String[] fields, int slot) {
		for (int i = 8; i < fields.length; i++) {
			if (fields[i].startsWith("[")) {
				continue; // a slot being migrated
			}
			String[] range = fields[i].split("-");
			int from = Integer.parseInt(range[0]);
			int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
			if (slot >= from && slot <= to) {
				return true;
			}
		}
		return false;
	}

	private void create(int replicasPerMaster) {
		List<String> command = new ArrayList<>(List.of(RedisBinaries.redisCli().toString(), "--cluster", "create"));
		command.addAll(nodes());
		command.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
		try {
			Path output = Files.createTempFile("redis-cluster-create-", ".log");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				process.getOutputStream().close();
				boolean finished = process.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				if (!finished) {
					process.destroyForcibly();
				}
				if (!finished || process.exitValue() != 0) {
					throw new IllegalStateException(String.join(" ", command) + " failed:\n"
							+ Files.readString(output, StandardCharsets.UTF_8));
				}
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run redis-cli --cluster create", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the cluster", ex);
		}
	}

	/** Every slot served, every replica in sync, and every node knowing every other node as healthy. */
	private void awaitReady() {
		await(() -> this.servers.stream().allMatch((server) -> {
			String info = RespProbe.text(server.host(), server.port(), "CLUSTER", "INFO");
			String nodes = RespProbe.text(server.host(), server.port(), "CLUSTER", "NODES");
			return info.contains("cluster_state:ok") && nodes.lines().count() == this.servers.size()
					&& nodes.lines().noneMatch((line) -> line.contains("fail") || line.contains("handshake")
							|| line.contains("noaddr"))
					&& (role(server).equals("master") || isInSync(server));
		}), "cluster " + nodes() + " to be ready");
	}

	private static void await(BooleanSupplier condition, String what) {
		if (!Poll.await(READY_TIMEOUT, condition)) {
			throw new IllegalStateException("Timed out after " + READY_TIMEOUT.toSeconds() + "s waiting for " + what);
		}
	}

	/** What cluster to start. */
	public static final class Builder {

		private int masters = MIN_MASTERS;

		private int replicasPerMaster;

		private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;

		private @Nullable SelfSignedCertificate certificate;

		private final List<String> extraArgs = new ArrayList<>();

		private Builder() {
		}

		/**
		 * @param masters the number of master nodes, at least 3 (as {@code redis-cli} requires)
		 * @return this builder
		 */
		public Builder masters(int masters) {
			if (masters < MIN_MASTERS) {
				throw new IllegalArgumentException(
						"A cluster needs at least " + MIN_MASTERS + " masters, got " + masters);
			}
			this.masters = masters;
			return this;
		}

		/**
		 * @param replicasPerMaster how many replicas each master gets
		 * @return this builder
		 */
		public Builder replicasPerMaster(int replicasPerMaster) {
			if (replicasPerMaster < 0) {
				throw new IllegalArgumentException("replicasPerMaster must not be negative, got " + replicasPerMaster);
			}
			this.replicasPerMaster = replicasPerMaster;
			return this;
		}

		/**
		 * @param nodeTimeout {@code cluster-node-timeout}: how long a node may not answer before the others
		 * consider it failed and its replica takes over
		 * @return this builder
		 */
		public Builder nodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = nodeTimeout;
			return this;
		}

		/**
		 * Serves TLS on a port of each node's own ({@link RedisServer#tlsPort()}), with TLS between the nodes
		 * and for replication too; nodes then announce their TLS ports to TLS clients (and their plain ports to
		 * plain clients, such as the test's assertions).
		 * @param certificate the nodes' certificate
		 * @return this builder
		 */
		public Builder tls(SelfSignedCertificate certificate) {
			this.certificate = certificate;
			return this;
		}

		/**
		 * @param args further {@code redis-server} arguments for every node, e.g. {@code "--aclfile", path}
		 * @return this builder
		 */
		public Builder args(String... args) {
			this.extraArgs.addAll(List.of(args));
			return this;
		}

		/**
		 * Starts the nodes, joins them with {@code redis-cli --cluster create}, and returns once every slot is
		 * served, every replica is in sync and every node knows every other.
		 * @return the running cluster
		 */
		public RedisClusterGroup start() {
			List<RedisServer> servers = new ArrayList<>();
			try {
				int count = this.masters * (1 + this.replicasPerMaster);
				for (int i = 0; i < count; i++) {
					servers.add(startNode());
				}
				RedisClusterGroup group = new RedisClusterGroup(servers);
				group.create(this.replicasPerMaster);
				for (RedisServer server : servers) {
					group.ids.put(server, RespProbe.text(server.host(), server.port(), "CLUSTER", "MYID"));
				}
				group.awaitReady();
				return group;
			}
			catch (RuntimeException ex) {
				servers.forEach(RedisServer::close);
				throw ex;
			}
		}

		private RedisServer startNode() {
			List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
					"nodes.conf", "--cluster-node-timeout", String.valueOf(this.nodeTimeout.toMillis()),
					"--repl-diskless-sync-delay", "0"));
			args.addAll(this.extraArgs);
			SelfSignedCertificate tls = this.certificate;
			if (tls == null) {
				return RedisServer.local(null, args, FreePorts::nextWithClusterBus);
			}
			// With tls-cluster the bus listens on the TLS port + 10000, so that is the pair that must be free.
			int tlsPort = FreePorts.nextWithClusterBus();
			args.addAll(tls.redisArgs(tlsPort));
			args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
			return RedisServer.local(null, args, FreePorts::next, tlsPort);
		}

	}

}
