package io.cachestarter.async;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Cacheable} methods that return a {@code CompletableFuture}, a {@code Mono} or a {@code Flux}, with and
 * without {@code sync = true}, against a real Redis: what the caller gets, how often the method runs, and what is
 * in Redis.
 */
class AsyncCachingIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(ReactiveCatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.caches.products.ttl=100s",
				"cache-starter.caches.products.jitter=0", "cache-starter.caches.listings.ttl=50s",
				"cache-starter.caches.listings.jitter=0");

	@ParameterizedTest
	@EnumSource(Read.class)
	void hitDoesNotRunTheMethodAndTheEntryIsInRedis(Read read) {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(42, "books"));
			Object first = read.call(catalog, 42);
			Object second = read.call(catalog, 42);
			assertThat(first).isEqualTo(read.expected(product(42, "books")));
			assertThat(second).isEqualTo(first);
			assertThat(catalog.loads()).isOne();
			String key = read.redisKey(42);
			assertThat(redis.commands().get(key)).startsWith("CS1|");
			assertThat(redis.commands().pttl(key)).isBetween(read.ttl().toMillis() - 5_000, read.ttl().toMillis());
		});
	}

	static Product product(long id, String category) {
		return new Product(id, "p" + id, category, new BigDecimal("9.99"), 1, List.of("new"));
	}

	/** One way of reading a product (or a category's listing, for the {@code Flux} methods). */
	enum Read {

		FUTURE((catalog, id) -> catalog.future(id).join()),
		FUTURE_SYNC((catalog, id) -> catalog.futureSync(id).join()),
		MONO((catalog, id) -> catalog.mono(id).block(Duration.ofSeconds(5))),
		MONO_SYNC((catalog, id) -> catalog.monoSync(id).block(Duration.ofSeconds(5))),
		FLUX((catalog, id) -> catalog.flux("books").collectList().block(Duration.ofSeconds(5))),
		FLUX_SYNC((catalog, id) -> catalog.fluxSync("books").collectList().block(Duration.ofSeconds(5)));

		private final BiFunction<ReactiveCatalog, Long, Object> call;

		Read(BiFunction<ReactiveCatalog, Long, Object> call) {
			this.call = call;
		}

		Object call(ReactiveCatalog catalog, long id) {
			return this.call.apply(catalog, id);
		}

		boolean isListing() {
			return this == FLUX || this == FLUX_SYNC;
		}

		Object expected(Product product) {
			return isListing() ? List.of(product) : product;
		}

		String redisKey(long id) {
			return isListing() ? "shop:listings:v1::books" : "shop:products:v1::" + id;
		}

		Duration ttl() {
			return isListing() ? Duration.ofSeconds(50) : Duration.ofSeconds(100);
		}

	}

}
