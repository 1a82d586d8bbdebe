package io.cachestarter.local;

import java.time.Duration;
import java.util.function.BiConsumer;

import io.cachestarter.test.redis.RedisServerExtension;
import io.lettuce.core.KillArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.cachestarter.local.NearCacheInstances.DEADLINE;
import static io.cachestarter.local.NearCacheInstances.awaitListening;
import static io.cachestarter.local.NearCacheInstances.items;
import static io.cachestarter.local.NearCacheInstances.nearCaches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real faults under two instances with the L1 near cache on: while B cannot receive invalidations its near cache is
 * bypassed, and afterwards it is cleared, so that what A changed meanwhile is what B serves.
 */
class NearCacheDisconnectTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ShelfDatabase database = new ShelfDatabase();

	private ApplicationContextRunner runner(String clientName) {
		return NearCacheInstances.runner(this.database, "spring.data.redis.url=" + redis.uri(),
				"spring.data.redis.client-name=" + clientName);
	}

	private void twoInstances(BiConsumer<AssertableApplicationContext, AssertableApplicationContext> test) {
		runner("instance-a").run((a) -> runner("instance-b").run((b) -> {
			assertThat(a).hasNotFailed();
			assertThat(b).hasNotFailed();
			awaitListening(a, b);
			test.accept(a, b);
		}));
	}

	@Test
	void killedSubscriptionIsDetectedAndTheNearCacheIsClearedBeforeItServesAgain() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			long resumptions = nearCaches(b).resumptions();
			killSubscriptionOf("instance-b");
			// Written while B resubscribes: its message may well be lost, the value must not be.
			a.getBean(Shelf.class).update(1, "v2");
			await().atMost(DEADLINE).until(() -> nearCaches(b).resumptions() > resumptions);
			awaitListening(b);
			assertThat(b.getBean(Shelf.class).find(1)).isEqualTo("v2");
		});
	}

	@Test
	void frozenRedisBypassesTheNearCacheAndItIsClearedWhenRedisAnswersAgain() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			Shelf shelfB = b.getBean(Shelf.class);
			long hits = items(b).hits();
			redis.server().pause();
			try {
				await().atMost(DEADLINE).until(() -> nearCaches(b).state() == LocalNearCaches.State.DISCONNECTED);
				// Meanwhile A writes through (its write fails, the removal is replayed later) and B serves the
				// database's value, not its L1 copy.
				a.getBean(Shelf.class).save(1, "v2");
				assertThat(shelfB.find(1)).isEqualTo("v2");
				assertThat(items(b).hits()).isEqualTo(hits);
			}
			finally {
				redis.server().resume();
			}
			awaitListening(b);
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> "v2".equals(shelfB.find(1)));
			// And L1 serves again.
			await().atMost(DEADLINE).until(() -> {
				shelfB.find(1);
				return items(b).hits() > hits;
			});
		});
	}

	@Test
	void killedAndRestartedRedisBypassesTheNearCacheAndItIsClearedAfterTheRestart() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			Shelf shelfB = b.getBean(Shelf.class);
			long hits = items(b).hits();
			redis.server().kill();
			await().atMost(DEADLINE).until(() -> nearCaches(b).state() == LocalNearCaches.State.DISCONNECTED);
			a.getBean(Shelf.class).save(1, "v2");
			assertThat(shelfB.find(1)).isEqualTo("v2");
			assertThat(items(b).hits()).isEqualTo(hits);
			redis.server().restart();
			awaitListening(a, b);
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> "v2".equals(shelfB.find(1)));
			assertThat(items(b).size()).isLessThanOrEqualTo(1);
		});
	}

	/** {@code CLIENT KILL} of the one connection of an instance that is subscribed to a channel. */
	private static void killSubscriptionOf(String clientName) {
		long killed = 0;
		for (String client : redis.commands().clientList().split("\n")) {
			if (client.contains(" name=" + clientName + " ") && client.contains(" sub=1 ")) {
				String id = client.substring(3, client.indexOf(' '));
				killed += redis.commands().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
			}
		}
		assertThat(killed).isEqualTo(1);
	}

	private void cacheOnB(AssertableApplicationContext b, long id, String value) {
		this.database.put(id, value);
		Shelf shelf = b.getBean(Shelf.class);
		assertThat(shelf.find(id)).isEqualTo(value);
		assertThat(shelf.find(id)).isEqualTo(value);
		assertThat(items(b).size()).isEqualTo(1);
	}

}
