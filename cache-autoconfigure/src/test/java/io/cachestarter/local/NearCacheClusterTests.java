package io.cachestarter.local;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.cachestarter.local.NearCacheInstances.DEADLINE;
import static io.cachestarter.local.NearCacheInstances.awaitListening;
import static io.cachestarter.local.NearCacheInstances.items;
import static io.cachestarter.local.NearCacheInstances.nearCaches;
import static io.cachestarter.local.NearCacheInstances.redisKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The L1 near cache on Redis Cluster: invalidations travel by sharded pub/sub on the shard that owns the channel,
 * reach every instance whatever shard holds the key, and resume after that shard's primary fails over.
 */
class NearCacheClusterTests {

	private final ShelfDatabase database = new ShelfDatabase();

	private ApplicationContextRunner runner(RedisClusterGroup cluster) {
		return NearCacheInstances.runner(this.database,
				"spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()));
	}

	@Test
	void invalidationReachesTheOtherInstanceWhateverShardHoldsTheKeyAndAfterAFailoverOfTheChannelsShard() {
		try (RedisClusterGroup cluster = RedisClusterGroup.builder()
			.masters(3)
			.replicasPerMaster(1)
			.nodeTimeout(Duration.ofMillis(1000))
			.start()) {
			runner(cluster).run((a) -> runner(cluster).run((b) -> {
				assertThat(a).hasNotFailed();
				assertThat(b).hasNotFailed();
				awaitListening(a, b);
				Set<RedisServer> shards = new HashSet<>();
				for (long id = 1; id <= 12; id++) {
					shards.add(cluster.masterFor(redisKey(id)));
					invalidatesAcross(a, b, id, "before-" + id);
				}
				assertThat(shards).as("keys on every shard").hasSize(3);

				// The primary that carries the channel fails: B stops serving from L1, follows the promotion, and
				// receives invalidations again.
				RedisServer channelShard = cluster.masterFor("shelf:cache-starter:l1");
				List<RedisServer> replicas = cluster.replicasOf(channelShard);
				channelShard.kill();
				await().atMost(DEADLINE)
					.until(() -> nearCaches(b).state() == LocalNearCaches.State.DISCONNECTED);
				cluster.awaitPromotion(channelShard, replicas, Duration.ofSeconds(30));
				awaitListening(a, b);
				for (long id = 13; id <= 18; id++) {
					invalidatesAcross(a, b, id, "after-" + id);
				}
			}));
		}
	}

	private void invalidatesAcross(AssertableApplicationContext a, AssertableApplicationContext b, long id,
			String value) {
		Shelf shelfB = b.getBean(Shelf.class);
		this.database.put(id, value + "-old");
		await().atMost(DEADLINE).until(() -> {
			shelfB.find(id);
			return items(b).get(redisKey(id)) != null;
		});
		a.getBean(Shelf.class).update(id, value);
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> value.equals(shelfB.find(id)));
	}

}
