package io.cachestarter.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of local {@code redis-server} processes: masters only, no replicas, each on a free loopback
 * port, with every slot assigned.
 *
 * <p>
 * Always local processes, also when {@code REDIS_URL} is set or Docker answers: a cluster needs nodes that
 * announce addresses the test can reach. Connect with Lettuce's {@code RedisClusterClient} using any of
 * {@link #nodes()}. Each node is a {@link RedisServer}, so faults can be injected into one of them.
 */
public final class RedisClusterGroup implements AutoCloseable {

	private static final int MIN_MASTERS = 3;

	private static final List<String> NODE_ARGS = List.of("--cluster-enabled", "yes", "--cluster-config-file",
			"nodes.conf", "--cluster-node-timeout", "3000");

	private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> servers;

	private RedisClusterGroup(List<RedisServer> servers) {
		this.servers = List.copyOf(servers);
	}

	/**
	 * Starts {@code masters} nodes, joins them with {@code redis-cli --cluster create}, and returns once every
	 * node reports {@code cluster_state:ok}.
	 * @param masters the number of master nodes, at least 3 (as {@code redis-cli} requires)
	 */
	public static RedisClusterGroup start(int masters) {
		if (masters < MIN_MASTERS) {
			throw new IllegalArgumentException("A cluster needs at least " + MIN_MASTERS + " masters, got " + masters);
		}
		List<RedisServer> servers = new ArrayList<>();
		try {
			for (int i = 0; i < masters; i++) {
				servers.add(RedisServer.local(null, NODE_ARGS, FreePorts::nextWithClusterBus));
			}
			RedisClusterGroup group = new RedisClusterGroup(servers);
			group.create();
			group.awaitClusterOk();
			return group;
		}
		catch (RuntimeException ex) {
			servers.forEach(RedisServer::close);
			throw ex;
		}
	}

	/** The nodes as {@code 127.0.0.1:port}, in start order. */
	public List<String> nodes() {
		return this.servers.stream().map((server) -> server.host() + ":" + server.port()).toList();
	}

	public List<RedisServer> servers() {
		return this.servers;
	}

	/** Stops every node; idempotent. */
	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

	private void create() {
		List<String> command = new ArrayList<>(List.of(RedisBinaries.redisCli().toString(), "--cluster", "create"));
		command.addAll(nodes());
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
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

	private void awaitClusterOk() {
		boolean ok = Poll.await(READY_TIMEOUT, () -> this.servers.stream()
			.allMatch((server) -> RespProbe.text(server.host(), server.port(), "CLUSTER", "INFO")
				.contains("cluster_state:ok")));
		if (!ok) {
			throw new IllegalStateException("Cluster " + nodes() + " did not reach cluster_state:ok within "
					+ READY_TIMEOUT.toSeconds() + "s");
		}
	}

}
