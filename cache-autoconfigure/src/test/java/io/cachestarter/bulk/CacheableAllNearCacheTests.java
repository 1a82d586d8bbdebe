package io.cachestarter.bulk;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.cache.NearCache;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.test.redis.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @CacheableAll} through the near-cache SPI, with a recording near cache in front of a real Redis: the near
 * cache is asked first, key by key; only the keys it does not serve are read from Redis, with the read protocol
 * ({@code beforeRead}, then {@code afterRead} for what Redis returned); every entry written back is offered with
 * {@code afterWrite}.
 */
class CacheableAllNearCacheTests {

	private static final String PREFIX = AbstractCacheableAllIntegrationTests.PREFIX;

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final RecordingNearCache near = new RecordingNearCache();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterBulkAutoConfiguration.class))
		.withUserConfiguration(AbstractCacheableAllIntegrationTests.BulkCatalogConfiguration.class)
		.withBean(NearCache.Factory.class, () -> (settings) -> this.near)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void asksTheNearCacheFirstAndOffersWhatRedisReturnedAndWhatWasWritten() {
		this.contextRunner.run((context) -> {
			BulkCatalog catalog = AbstractCacheableAllIntegrationTests.catalog(context.getBean(BulkCatalog.class), 5);
			catalog.findAll(List.of(1L, 2L));
			assertThat(this.near.written).containsExactly(PREFIX + "1", PREFIX + "2");
			assertThat(this.near.beforeRead).containsExactly(PREFIX + "1", PREFIX + "2");
			assertThat(this.near.afterRead).isEmpty();

			// Key 1 now only in the near cache, key 2 only in Redis, key 3 nowhere.
			this.near.serve(PREFIX + "1");
			redis.commands().del(PREFIX + "1");
			this.near.clearCalls();
			assertThat(catalog.findAll(List.of(1L, 2L, 3L))).containsOnlyKeys(1L, 2L, 3L);
			assertThat(this.near.gets).containsExactly(PREFIX + "1", PREFIX + "2", PREFIX + "3");
			assertThat(this.near.beforeRead).containsExactly(PREFIX + "2", PREFIX + "3");
			assertThat(this.near.afterRead).containsExactly(PREFIX + "2");
			assertThat(this.near.written).containsExactly(PREFIX + "3");
			assertThat(catalog.bulkCalls()).containsExactly(List.of(1L, 2L), List.of(3L));
		});
	}

	/** Records every call; serves the entries it was told to, from what was written. */
	static final class RecordingNearCache implements NearCache {

		final List<String> gets = new CopyOnWriteArrayList<>();

		final List<String> beforeRead = new CopyOnWriteArrayList<>();

		final List<String> afterRead = new CopyOnWriteArrayList<>();

		final List<String> written = new CopyOnWriteArrayList<>();

		private final Map<String, CacheEntry> entries = new ConcurrentHashMap<>();

		private final Map<String, CacheEntry> served = new ConcurrentHashMap<>();

		void serve(String redisKey) {
			this.served.put(redisKey, this.entries.get(redisKey));
		}

		void clearCalls() {
			this.gets.clear();
			this.beforeRead.clear();
			this.afterRead.clear();
			this.written.clear();
		}

		@Override
		public @Nullable CacheEntry get(String redisKey) {
			this.gets.add(redisKey);
			return this.served.get(redisKey);
		}

		@Override
		public long beforeRead(String redisKey) {
			this.beforeRead.add(redisKey);
			return 7;
		}

		@Override
		public void afterRead(String redisKey, long token, CacheEntry entry) {
			assertThat(token).isEqualTo(7);
			this.afterRead.add(redisKey);
		}

		@Override
		public void afterWrite(String redisKey, long token, CacheEntry entry) {
			this.written.add(redisKey);
			this.entries.put(redisKey, entry);
		}

	}

}
