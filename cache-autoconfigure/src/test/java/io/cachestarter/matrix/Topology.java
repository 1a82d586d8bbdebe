package io.cachestarter.matrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisSentinelGroup;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.test.redis.SelfSignedCertificate;
import org.jspecify.annotations.Nullable;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Redis topologies every capability of the {@link CapabilityMatrixTests} runs on: the columns of the matrix.
 * Each starts its processes on first use and keeps them for the rest of the test class; {@link #stopAll()} stops
 * them. Every server has a memory limit and an eviction policy, so the health component has nothing to warn about.
 * <p>
 * The TLS columns serve the application over TLS as the ACL user {@value LeastPrivilege#USER}, limited to exactly
 * {@link LeastPrivilege#RULE}; the test's own assertions read Redis as the default user on the plain port.
 */
enum Topology {

	/** One server. */
	STANDALONE("standalone") {
		@Override
		Redis start(Path dir) {
			RedisServer server = RedisServer.start(MEMORY_ARGS);
			return new Redis(List.of("spring.data.redis.url=" + server.uri()), RedisAdmin.of(server), server::close);
		}
	},

	/** One master, one replica, three sentinels; a long down-after so that a short pause is no failover. */
	SENTINEL("Sentinel") {
		@Override
		Redis start(Path dir) {
			RedisSentinelGroup group = RedisSentinelGroup.start("matrix", Duration.ofSeconds(30));
			for (RedisServer server : group.servers()) {
				server.commands().configSet("maxmemory", "64mb");
				server.commands().configSet("maxmemory-policy", "allkeys-lru");
			}
			return new Redis(List.of("spring.data.redis.sentinel.master=" + group.masterName(),
					"spring.data.redis.sentinel.nodes=" + group.sentinelNodes()), RedisAdmin.of(group.master()),
					group::close);
		}
	},

	/** Three masters, every slot assigned. */
	CLUSTER("Cluster") {
		@Override
		Redis start(Path dir) {
			RedisClusterGroup cluster = RedisClusterGroup.builder().masters(3).args(MEMORY_ARGS).start();
			return new Redis(List.of("spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes())),
					RedisAdmin.of(cluster), cluster::close);
		}
	},

	/** One server over TLS, the application as the least-privileged ACL user. */
	STANDALONE_TLS_ACL("standalone, TLS, ACL user") {
		@Override
		Redis start(Path dir) {
			return standaloneOverTls(dir, LeastPrivilege.RULE);
		}
	},

	/** Three masters over TLS (also between the nodes), the application as the least-privileged ACL user. */
	CLUSTER_TLS_ACL("Cluster, TLS, ACL user") {
		@Override
		Redis start(Path dir) {
			return clusterOverTls(dir, LeastPrivilege.RULE);
		}
	};

	/** The key prefix every row uses; the ACL user may touch only keys and channels under it. */
	static final String APPLICATION = "shop";

	private static final String[] MEMORY_ARGS = { "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru" };

	private final String label;

	private @Nullable Redis redis;

	private @Nullable Path dir;

	Topology(String label) {
		this.label = label;
	}

	/** Every column, in matrix order; the source of {@link EveryTopology}. */
	static Stream<Topology> all() {
		return Stream.of(values());
	}

	/** Starts the processes of this column unless they run already. */
	abstract Redis start(Path dir);

	/** The running Redis of this column, started on first use. */
	synchronized Redis redis() {
		if (this.redis == null) {
			try {
				this.dir = Files.createTempDirectory("matrix-" + name().toLowerCase() + "-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.redis = start(this.dir);
		}
		return this.redis;
	}

	/** The {@code spring.data.redis.*} (and SSL bundle) properties that point an application at this column. */
	String[] properties() {
		return redis().properties().toArray(new String[0]);
	}

	/** Reads and breaks Redis for the assertions, as the default user on the plain ports. */
	RedisAdmin admin() {
		return redis().admin();
	}

	/** Stops the processes of every column that was started. */
	static synchronized void stopAll() {
		for (Topology topology : values()) {
			topology.stop();
		}
	}

	private synchronized void stop() {
		Redis running = this.redis;
		this.redis = null;
		if (running != null) {
			running.stop().run();
		}
		Path created = this.dir;
		this.dir = null;
		if (created != null) {
			try (Stream<Path> paths = Files.walk(created)) {
				paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// A temporary directory: nothing depends on it being gone.
			}
		}
	}

	@Override
	public String toString() {
		return this.label;
	}

	/**
	 * Starts one server over TLS whose ACL user {@value LeastPrivilege#USER} has the given rule.
	 * @param dir where the certificate and the ACL file go
	 * @param rule the user's ACL rule
	 * @return the server, and the properties with which the application connects as that user
	 */
	static Redis standaloneOverTls(Path dir, String rule) {
		SelfSignedCertificate certificate = certificate(dir);
		List<String> args = new ArrayList<>(List.of(MEMORY_ARGS));
		args.addAll(List.of("--aclfile", LeastPrivilege.aclFile(dir, rule).toString()));
		RedisServer server = RedisServer.startWithTls(certificate, args.toArray(new String[0]));
		List<String> properties = new ArrayList<>(tlsProperties(certificate));
		properties.add("spring.data.redis.url=rediss://" + LeastPrivilege.USER + ":" + LeastPrivilege.PASSWORD
				+ "@127.0.0.1:" + server.tlsPort());
		return new Redis(properties, RedisAdmin.of(server), server::close);
	}

	/**
	 * Starts three masters over TLS (also between the nodes) whose ACL user {@value LeastPrivilege#USER} has the
	 * given rule.
	 * @param dir where the certificate and the ACL file go
	 * @param rule the user's ACL rule
	 * @return the cluster, and the properties with which the application connects as that user
	 */
	static Redis clusterOverTls(Path dir, String rule) {
		SelfSignedCertificate certificate = certificate(dir);
		RedisClusterGroup cluster = RedisClusterGroup.builder()
			.masters(3)
			.tls(certificate)
			.args(MEMORY_ARGS)
			.args("--aclfile", LeastPrivilege.aclFile(dir, rule).toString())
			.start();
		List<String> properties = new ArrayList<>(tlsProperties(certificate));
		properties.addAll(List.of("spring.data.redis.cluster.nodes=" + String.join(",", cluster.tlsNodes()),
				"spring.data.redis.username=" + LeastPrivilege.USER,
				"spring.data.redis.password=" + LeastPrivilege.PASSWORD));
		return new Redis(properties, RedisAdmin.of(cluster), cluster::close);
	}

	private static SelfSignedCertificate certificate(Path dir) {
		Optional<SelfSignedCertificate> certificate = SelfSignedCertificate.create(dir);
		assumeTrue(certificate.isPresent(), "openssl is needed to create a test certificate");
		return certificate.get();
	}

	private static List<String> tlsProperties(SelfSignedCertificate certificate) {
		return List.of("spring.data.redis.ssl.bundle=redis",
				"spring.ssl.bundle.pem.redis.truststore.certificate=" + certificate.certificate().toUri());
	}

	/**
	 * A started column.
	 * @param properties what points an application at it
	 * @param admin reads and breaks it for the assertions
	 * @param stop stops its processes
	 */
	record Redis(List<String> properties, RedisAdmin admin, Runnable stop) {
	}

}
