package io.cachestarter.writethrough;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cachestarter.CacheTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.WriteThrough;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterWriteThroughAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @WriteThrough} against a real Redis, without transactions: versioned compare-and-set under racing writers,
 * plain writes, writes that cannot be cached, and tags on written entries. No {@code @EnableCaching}: the starter's
 * own advisors are proxied on their own.
 */
class WriteThroughIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterWriteThroughAutoConfiguration.class))
		.withUserConfiguration(WriterConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.max-value-size=2KB");

	@Test
	void racingVersionedWritersLeaveTheHighestVersionCached() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			ExecutorService pool = Executors.newFixedThreadPool(20);
			try {
				for (long id = 1; id <= 5; id++) {
					List<Long> versions = new ArrayList<>();
					for (long version = 1; version <= 20; version++) {
						versions.add(version);
					}
					Collections.shuffle(versions);
					CyclicBarrier start = new CyclicBarrier(20);
					List<Future<?>> writes = new ArrayList<>();
					for (long version : versions) {
						long key = id;
						writes.add(pool.submit(() -> {
							start.await(10, TimeUnit.SECONDS);
							return writer.save(product(key, "v" + version, version));
						}));
					}
					for (Future<?> write : writes) {
						write.get(30, TimeUnit.SECONDS);
					}
					String key = "shop:products:v1::" + id;
					assertThat(AfterCommitIntegrationTests.versionInRedis(redis.commands(), key)).as(key).isEqualTo(20);
					assertThat(redis.commands().get(key)).contains("\"v20\"");
					assertThat(redis.commands().pttl(key)).isPositive();
				}
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	@Test
	void versionedWriteNeverReplacesAHigherVersion() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			writer.save(product(1, "new", 5));
			writer.save(product(1, "old", 4));
			assertThat(AfterCommitIntegrationTests.versionInRedis(redis.commands(), "shop:products:v1::1")).isEqualTo(5);
			assertThat(redis.commands().get("shop:products:v1::1")).contains("\"new\"");
		});
	}

	@Test
	void writeWithoutVersionReplacesWhateverIsCached() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			writer.save(product(1, "new", 5));
			writer.overwrite(product(1, "reverted", 4));
			assertThat(redis.commands().get("shop:products:v1::1")).contains("\"reverted\"");
		});
	}

	@Test
	void writeOfANullVersionRemovesTheKey() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			writer.save(product(1, "new", 5));
			writer.saveDraft(product(1, "draft", 6), true);
			assertThat(redis.commands().exists("shop:products:v1::1")).isZero();
		});
	}

	@Test
	void writeThatCannotBeCachedRemovesTheOlderValue() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			writer.save(product(1, "small", 1));
			writer.save(product(1, "x".repeat(4_000), 2));
			assertThat(redis.commands().exists("shop:products:v1::1")).as("versioned").isZero();
			writer.overwrite(product(2, "small", 1));
			writer.overwrite(product(2, "x".repeat(4_000), 2));
			assertThat(redis.commands().exists("shop:products:v1::2")).as("plain").isZero();
		});
	}

	@Test
	void writtenEntryCarriesTheMethodsCacheTags() {
		this.contextRunner.run((context) -> {
			Writer writer = context.getBean(Writer.class);
			writer.save(product(1, "kettle", 1));
			writer.overwrite(product(2, "pan", 1));
			assertThat(redis.commands().smembers("shop:tag:category:kitchen"))
				.containsExactlyInAnyOrder("shop:products:v1::1", "shop:products:v1::2");
			assertThat(context.getBean(TagInvalidator.class).invalidate("category:kitchen")).isEqualTo(2);
			assertThat(redis.commands().exists("shop:products:v1::1", "shop:products:v1::2")).isZero();
		});
	}

	static Product product(long id, String name, long version) {
		return new Product(id, name, "kitchen", new BigDecimal("9.99"), version, List.of());
	}

	@Configuration(proxyBeanMethods = false)
	static class WriterConfiguration {

		@Bean
		Writer writer() {
			return new Writer();
		}

	}

	static class Writer {

		@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
		@CacheTags("category:#{#result.category}")
		public Product save(Product product) {
			return product;
		}

		@WriteThrough(cache = "products", key = "#product.id")
		@CacheTags("category:#{#product.category}")
		public Product overwrite(Product product) {
			return product;
		}

		@WriteThrough(cache = "products", key = "#p0.id", version = "#draft ? null : #product.version")
		public Product saveDraft(Product product, boolean draft) {
			return product;
		}

	}

}
