package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RedisSentinelGroupTests {

	@Test
	void lettuceFindsTheMasterThroughTheSentinel() {
		List<ProcessHandle> processes;
		try (RedisSentinelGroup group = RedisSentinelGroup.start("cache")) {
			assertThat(group.masterName()).isEqualTo("cache");
			assertThat(group.sentinelNodes()).startsWith("127.0.0.1:");
			String[] sentinel = group.sentinelNodes().split(",")[0].split(":");
			RedisURI uri = RedisURI.Builder.sentinel(sentinel[0], Integer.parseInt(sentinel[1]), group.masterName())
				.withTimeout(Duration.ofSeconds(2))
				.build();
			RedisClient client = RedisClient.create(uri);
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				connection.sync().set("key", "value");
				assertThat(connection.sync().info("server")).contains("tcp_port:" + group.master().port());
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			assertThat(group.master().commands().get("key")).isEqualTo("value");
			assertThat(group.replica().commands().info("replication")).contains("role:slave",
					"master_port:" + group.master().port());
			processes = Stream.concat(group.servers().stream(), group.sentinels().stream())
				.flatMap((server) -> server.processes().stream())
				.toList();
		}
		Processes.assertAllGone(processes);
		assertThat(Processes.redisDescendants()).isEmpty();
	}

	@Test
	void threeSentinelsReplaceAPausedMasterWhichRejoinsAsReplica() {
		try (RedisSentinelGroup group = RedisSentinelGroup.start("frozen")) {
			assertThat(group.sentinels()).hasSize(3);
			assertThat(group.sentinelNodes().split(",")).hasSize(3);
			RedisServer master = group.currentMaster();
			assertThat(master).isSameAs(group.master());

			master.pause();
			RedisServer promoted = group.awaitPromotion(master, Duration.ofSeconds(30));

			assertThat(promoted).isSameAs(group.replica());
			assertThat(group.currentMaster()).isSameAs(promoted);
			group.recover(master);
			assertThat(master.commands().info("replication")).contains("role:slave",
					"master_port:" + promoted.port());
			assertThat(group.currentReplica()).isSameAs(master);
		}
	}

	@Test
	void killingTheMasterFailsOverToTheReplica() {
		try (RedisSentinelGroup group = RedisSentinelGroup.start("failover")) {
			assumeTrue(group.master().isFaultInjectionSupported());
			String[] sentinel = group.sentinelNodes().split(",")[0].split(":");
			String replicaAddress = List.of(group.replica().host(), String.valueOf(group.replica().port())).toString();

			group.master().kill();

			boolean promoted = Poll.await(Duration.ofSeconds(20),
					() -> RespProbe.text(sentinel[0], Integer.parseInt(sentinel[1]), "SENTINEL",
							"GET-MASTER-ADDR-BY-NAME", "failover")
						.equals(replicaAddress));
			assertThat(promoted).as("sentinel promotes %s", replicaAddress).isTrue();
			assertThat(group.replica().commands().info("replication")).contains("role:master");
		}
	}

}
