package io.cachestarter.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.cachestarter.TagInvalidator;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.cachestarter.local.NearCacheInstances.DEADLINE;
import static io.cachestarter.local.NearCacheInstances.awaitListening;
import static io.cachestarter.local.NearCacheInstances.items;
import static io.cachestarter.local.NearCacheInstances.nearCaches;
import static io.cachestarter.local.NearCacheInstances.redisKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances on one real Redis, each with the L1 near cache on: a hit sends nothing to Redis, every
 * kind of write or removal on one instance drops the other's entry, a load racing an invalidation is not cached,
 * and an entry outlives neither {@code local.ttl} nor its own TTL.
 */
class NearCacheIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ShelfDatabase database = new ShelfDatabase();

	private ApplicationContextRunner runner() {
		return NearCacheInstances.runner(this.database, "spring.data.redis.url=" + redis.uri());
	}

	private void twoInstances(BiConsumer<AssertableApplicationContext, AssertableApplicationContext> test) {
		runner().run((a) -> runner().run((b) -> {
			assertThat(a).hasNotFailed();
			assertThat(b).hasNotFailed();
			awaitListening(a, b);
			test.accept(a, b);
		}));
	}

	@Test
	void hitIsServedInProcessAndSendsNoGetToRedis() {
		twoInstances((a, b) -> {
			Shelf shelf = b.getBean(Shelf.class);
			this.database.put(1, "kettle");
			assertThat(shelf.find(1)).isEqualTo("kettle");
			redis.commands().configResetstat();
			for (int i = 0; i < 100; i++) {
				assertThat(shelf.find(1)).isEqualTo("kettle");
				assertThat(shelf.findSync(1)).isEqualTo("kettle");
			}
			assertThat(redis.commands().info("commandstats")).doesNotContain("cmdstat_get:");
			assertThat(shelf.loads()).isEqualTo(1);
			assertThat(items(b).hits()).isGreaterThanOrEqualTo(200);
			assertThat(items(b).size()).isEqualTo(1);
		});
	}

	@Test
	void bulkReadIsServedFromTheNearCacheFirstAndSendsNoMgetWhenItHoldsEveryKey() {
		twoInstances((a, b) -> {
			Shelf shelf = b.getBean(Shelf.class);
			for (long id = 1; id <= 3; id++) {
				this.database.put(id, "v" + id);
				assertThat(shelf.find(id)).isEqualTo("v" + id);
			}
			redis.commands().configResetstat();
			assertThat(shelf.findAll(List.of(3L, 1L, 2L))).containsExactly(entry(3L, "v3"), entry(1L, "v1"),
					entry(2L, "v2"));
			assertThat(redis.commands().info("commandstats")).doesNotContain("cmdstat_mget:")
				.doesNotContain("cmdstat_get:");
			assertThat(shelf.loads()).isEqualTo(3);
			// A key L1 does not hold is read from Redis, and only that one reaches the method.
			this.database.put(4, "v4");
			assertThat(shelf.findAll(List.of(1L, 4L))).containsExactly(entry(1L, "v1"), entry(4L, "v4"));
			assertThat(redis.commands().info("commandstats")).contains("cmdstat_mget:calls=1,");
			assertThat(shelf.loads()).isEqualTo(4);
		});
	}

	@Test
	void putOnOneInstanceDropsTheEntryOfTheOther() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			a.getBean(Shelf.class).update(1, "v2");
			awaitServed(b, 1, "v2");
			assertThat(b.getBean(Shelf.class).loads()).isEqualTo(1);
		});
	}

	@Test
	void evictionOnOneInstanceDropsTheEntryOfTheOther() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			this.database.put(1, "v2");
			a.getBean(Shelf.class).evict(1);
			awaitServed(b, 1, "v2");
		});
	}

	@Test
	void clearOnOneInstanceDropsEveryEntryOfTheOtherInOneMessage() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			cacheOnB(b, 2, "w1");
			long receivedBefore = nearCaches(b).received();
			this.database.put(1, "v2");
			this.database.put(2, "w2");
			a.getBean(Shelf.class).clear();
			awaitServed(b, 1, "v2");
			awaitServed(b, 2, "w2");
			assertThat(nearCaches(b).received() - receivedBefore).isEqualTo(1);
		});
	}

	@Test
	void tagInvalidationOnOneInstanceDropsTheTaggedEntriesOfTheOtherInOneMessage() {
		twoInstances((a, b) -> {
			Shelf shelf = b.getBean(Shelf.class);
			for (long id = 1; id <= 50; id++) {
				this.database.put(id, "old-" + id);
				shelf.findTagged(id);
			}
			assertThat(items(b).size()).isEqualTo(50);
			long receivedBefore = nearCaches(b).received();
			for (long id = 1; id <= 50; id++) {
				this.database.put(id, "new-" + id);
			}
			assertThat(a.getBean(TagInvalidator.class).invalidate("shelf")).isEqualTo(50);
			await().atMost(DEADLINE).until(() -> items(b).size() == 0);
			assertThat(nearCaches(b).received() - receivedBefore).isEqualTo(1);
			assertThat(shelf.find(7)).isEqualTo("new-7");
		});
	}

	@Test
	void writeThroughOnOneInstanceDropsTheEntryOfTheOther() {
		twoInstances((a, b) -> {
			cacheOnB(b, 1, "v1");
			a.getBean(Shelf.class).save(1, "v2");
			awaitServed(b, 1, "v2");
			assertThat(b.getBean(Shelf.class).loads()).isEqualTo(1);
		});
	}

	@Test
	void bulkWriteOnOneInstanceDropsTheEntriesOfTheOtherInOneMessage() {
		twoInstances((a, b) -> {
			for (long id = 1; id <= 20; id++) {
				cacheOnB(b, id, "old-" + id);
				this.database.put(id, "new-" + id);
			}
			// Gone from Redis behind the instances' backs: A's bulk read misses them all and writes them back.
			for (long id = 1; id <= 20; id++) {
				redis.commands().del(redisKey(id));
			}
			long receivedBefore = nearCaches(b).received();
			assertThat(a.getBean(Shelf.class).findAll(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L,
					14L, 15L, 16L, 17L, 18L, 19L, 20L))).hasSize(20).containsEntry(7L, "new-7");
			await().atMost(DEADLINE).until(() -> items(b).size() == 0);
			assertThat(nearCaches(b).received() - receivedBefore).isEqualTo(1);
			assertThat(b.getBean(Shelf.class).find(7)).isEqualTo("new-7");
		});
	}

	@Test
	void writerKeepsItsOwnNewValueInItsNearCache() {
		twoInstances((a, b) -> {
			Shelf shelf = a.getBean(Shelf.class);
			shelf.update(3, "fresh");
			CacheEntry held = items(a).get(redisKey(3));
			assertThat(held).isNotNull();
			assertThat(held.value()).isEqualTo("fresh");
		});
	}

	@Test
	void loadThatBeganBeforeAnInvalidationReachedTheInstanceIsNotCached() {
		twoInstances((a, b) -> {
			raceOn(a, b, 7, true);
			raceOn(a, b, 8, false);
		});
	}

	private void raceOn(AssertableApplicationContext a, AssertableApplicationContext b, long id, boolean sync)
			throws RuntimeException {
		Shelf shelfB = b.getBean(Shelf.class);
		this.database.put(id, "old");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		shelfB.holdNextLoad(started, release);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<String> load = executor.submit(() -> sync ? shelfB.findSync(id) : shelfB.find(id));
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			long receivedBefore = nearCaches(b).received();
			a.getBean(Shelf.class).update(id, "new");
			await().atMost(DEADLINE).until(() -> nearCaches(b).received() > receivedBefore);
			release.countDown();
			// The caller gets what its load read; neither L1 nor Redis keeps it.
			assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("old");
			CacheEntry held = items(b).get(redisKey(id));
			assertThat((held != null) ? held.value() : null).isNotEqualTo("old");
			assertThat(shelfB.find(id)).isEqualTo("new");
			assertThat(shelfB.findSync(id)).isEqualTo("new");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void entryNeverOutlivesLocalTtl() {
		ApplicationContextRunner runner = runner().withPropertyValues("cache-starter.caches.items.local.ttl=400ms",
				"cache-starter.caches.items.jitter=0");
		runner.run((b) -> {
			awaitListening(b);
			this.database.put(1, "v1");
			long start = System.nanoTime();
			b.getBean(Shelf.class).find(1);
			assertThat(items(b).get(redisKey(1))).isNotNull();
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> items(b).get(redisKey(1)) == null);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400 + 250));
			// Redis still has it: only the L1 entry ended.
			assertThat(redis.commands().exists(redisKey(1))).isEqualTo(1);
		});
	}

	@Test
	void entryNeverOutlivesItsOwnTtl() {
		ApplicationContextRunner runner = runner().withPropertyValues("cache-starter.caches.items.ttl=1500ms",
				"cache-starter.caches.items.local.ttl=1500ms");
		runner.run((a) -> runner.run((b) -> {
			awaitListening(a, b);
			this.database.put(1, "v1");
			a.getBean(Shelf.class).find(1);
			// B reads the entry when most of its TTL has passed: its L1 copy ends with the entry, not later.
			await().pollDelay(Duration.ofMillis(900)).until(() -> true);
			CacheEntry entry = readOnB(b, 1);
			long end = entry.createdAt() + entry.ttlMillis();
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> items(b).get(redisKey(1)) == null);
			assertThat(System.currentTimeMillis()).isLessThan(end + 250);
		}));
	}

	private CacheEntry readOnB(AssertableApplicationContext b, long id) {
		b.getBean(Shelf.class).find(id);
		CacheEntry held = items(b).get(redisKey(id));
		assertThat(held).isNotNull();
		return held;
	}

	private void cacheOnB(AssertableApplicationContext b, long id, String value) {
		this.database.put(id, value);
		Shelf shelf = b.getBean(Shelf.class);
		assertThat(shelf.find(id)).isEqualTo(value);
		assertThat(shelf.find(id)).isEqualTo(value);
		CacheEntry held = items(b).get(redisKey(id));
		assertThat(held).isNotNull();
		assertThat(held.value()).isEqualTo(value);
	}

	private static void awaitServed(AssertableApplicationContext context, long id, String value) {
		Shelf shelf = context.getBean(Shelf.class);
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> value.equals(shelf.find(id)));
	}

}
