package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RedisClusterGroupTests {

	@Test
	void threeMastersFormAHealthyClusterThatServesKeysOnEverySlot() {
		List<ProcessHandle> processes;
		try (RedisClusterGroup cluster = RedisClusterGroup.start(3)) {
			assertThat(cluster.nodes()).hasSize(3).allMatch((node) -> node.startsWith("127.0.0.1:"));
			for (RedisServer server : cluster.servers()) {
				assertThat(server.commands().clusterInfo()).contains("cluster_state:ok", "cluster_slots_assigned:16384");
			}
			List<RedisURI> seeds = cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList();
			RedisClusterClient client = RedisClusterClient.create(seeds);
			try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
				for (int i = 0; i < 20; i++) {
					connection.sync().set("key-" + i, "value-" + i);
				}
				for (int i = 0; i < 20; i++) {
					assertThat(connection.sync().get("key-" + i)).isEqualTo("value-" + i);
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			processes = cluster.servers().stream().flatMap((server) -> server.processes().stream()).toList();
		}
		Processes.assertAllGone(processes);
	}

	@Test
	void aRestartedNodeRejoinsWithItsSlots() {
		try (RedisClusterGroup cluster = RedisClusterGroup.start(3)) {
			RedisServer node = cluster.servers().get(0);
			assumeTrue(node.isFaultInjectionSupported());
			String nodeId = node.commands().clusterMyId();

			node.restart();

			assertThat(node.commands().clusterMyId()).isEqualTo(nodeId);
			boolean ok = Poll.await(Duration.ofSeconds(20), () -> cluster.servers()
				.stream()
				.allMatch((server) -> RespProbe.text(server.host(), server.port(), "CLUSTER", "INFO")
					.contains("cluster_state:ok")));
			assertThat(ok).as("cluster %s is ok again", cluster.nodes()).isTrue();
		}
	}

	@Test
	void aReplicaTakesOverAKilledMasterWhichRejoinsAsItsReplica() {
		try (RedisClusterGroup cluster = RedisClusterGroup.builder().masters(3).replicasPerMaster(1).start()) {
			assertThat(cluster.servers()).hasSize(6);
			assertThat(cluster.masters()).hasSize(3);
			RedisServer master = cluster.masterFor("key");
			List<RedisServer> replicas = cluster.replicasOf(master);
			assertThat(replicas).hasSize(1);

			master.kill();
			RedisServer promoted = cluster.awaitPromotion(master, replicas, Duration.ofSeconds(30));

			assertThat(promoted).isSameAs(replicas.get(0));
			assertThat(Poll.await(Duration.ofSeconds(10), () -> cluster.masterFor("key") == promoted)).isTrue();
			cluster.recover(master);
			assertThat(master.commands().info("replication")).contains("role:slave");
			assertThat(cluster.replicasOf(promoted)).containsExactly(master);
		}
	}

	@Test
	void refusesFewerThanThreeMasters() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisClusterGroup.start(2));
	}

}
