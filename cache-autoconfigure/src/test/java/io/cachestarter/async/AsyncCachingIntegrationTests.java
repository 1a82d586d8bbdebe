package io.cachestarter.async;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.cache.CacheCounters;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Cacheable} methods that return a {@code CompletableFuture}, a {@code Mono} or a {@code Flux}, with and
 * without {@code sync = true}, against a real Redis: what the caller gets, how often the method runs, and what is
 * in Redis.
 */
class AsyncCachingIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	/** The starter's default command timeout. */
	static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	/** The method's own time and scheduling on a loaded machine. */
	static final Duration SLACK = Duration.ofMillis(400);

	/** How the envelope's JSON holds an empty listing. */
	static final String EMPTY_LIST_JSON = "\n[\"java.util.ArrayList\",[]]";

	static final ExecutorService CALLERS = Executors.newCachedThreadPool();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
				CacheStarterResilienceAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterAutoConfiguration.class))
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
			// A reactive method's value arrives on an event loop, where its put is sent without waiting for it.
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().exists(key) == 1);
			assertThat(redis.commands().get(key)).startsWith("CS1|");
			assertThat(redis.commands().pttl(key)).isBetween(read.ttl().toMillis() - 5_000, read.ttl().toMillis());
		});
	}

	@ParameterizedTest
	@EnumSource(value = Read.class, names = { "FUTURE_SYNC", "MONO_SYNC", "FLUX_SYNC" })
	void concurrentMissesAcrossTwoInstancesLoadOnce(Read read) {
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			ReactiveCatalog a = first.getBean(ReactiveCatalog.class);
			ReactiveCatalog b = second.getBean(ReactiveCatalog.class);
			for (ReactiveCatalog catalog : List.of(a, b)) {
				catalog.save(product(7, "books"));
				catalog.latency(Duration.ofMillis(300));
			}
			List<CompletableFuture<Object>> calls = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
				calls.add(read.start(a, 7));
				calls.add(read.start(b, 7));
			}
			for (CompletableFuture<Object> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(read.expected(product(7, "books")));
			}
			assertThat(a.loads() + b.loads()).as("loads across both instances").isOne();
		}));
	}

	@ParameterizedTest
	@EnumSource(Read.class)
	void killedRedisEndsInTheMethodsOwnValue(Read read) {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(3, "books"));
			redis.server().kill();
			for (int i = 0; i < 5; i++) {
				long start = System.nanoTime();
				assertThat(read.call(catalog, 3)).isEqualTo(read.expected(product(3, "books")));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT.plus(SLACK));
			}
			assertThat(catalog.loads()).isEqualTo(5);
		});
	}

	@ParameterizedTest
	@EnumSource(Read.class)
	void hungRedisEndsInTheMethodsOwnValueWithinTheCommandTimeout(Read read) {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(4, "books"));
			redis.server().pause();
			try {
				for (int i = 0; i < 3; i++) {
					long start = System.nanoTime();
					assertThat(read.call(catalog, 4)).isEqualTo(read.expected(product(4, "books")));
					// One wait for Redis at most, then the method's own time (5 ms).
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT.plus(SLACK));
				}
			}
			finally {
				redis.server().resume();
			}
			assertThat(catalog.loads()).isEqualTo(3);
		});
	}

	@Test
	void emptyMonoIsCachedAsNullAndServedEmpty() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			assertThat(catalog.monoOrEmpty(404).blockOptional(Duration.ofSeconds(5))).isEmpty();
			assertThat(catalog.monoOrEmpty(404).blockOptional(Duration.ofSeconds(5))).isEmpty();
			assertThat(catalog.monoOrEmptySync(405).blockOptional(Duration.ofSeconds(5))).isEmpty();
			assertThat(catalog.monoOrEmptySync(405).blockOptional(Duration.ofSeconds(5))).isEmpty();
			assertThat(catalog.loads()).isEqualTo(2);
			assertThat(redis.commands().get("shop:products:v1::404")).startsWith("CS1|").endsWith("|~\n");
			assertThat(redis.commands().get("shop:products:v1::405")).startsWith("CS1|").endsWith("|~\n");
		});
	}

	@Test
	void emptyMonoIsNotCachedWhenTheCacheDoesNotCacheNulls() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.cache-null-values=false")
			.run((context) -> {
				ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
				for (int i = 0; i < 2; i++) {
					assertThat(catalog.monoOrEmpty(404).blockOptional(Duration.ofSeconds(5))).isEmpty();
					assertThat(catalog.monoOrEmptySync(405).blockOptional(Duration.ofSeconds(5))).isEmpty();
				}
				assertThat(catalog.loads()).isEqualTo(4);
				assertThat(redis.commands().exists("shop:products:v1::404", "shop:products:v1::405")).isZero();
			});
	}

	@Test
	void emptyFluxIsCachedAsAnEmptyListAndServedEmpty() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			for (int i = 0; i < 2; i++) {
				assertThat(catalog.flux("none").collectList().block(Duration.ofSeconds(5))).isEmpty();
				assertThat(catalog.fluxSync("nothing").collectList().block(Duration.ofSeconds(5))).isEmpty();
			}
			assertThat(catalog.loads()).isEqualTo(2);
			assertThat(redis.commands().get("shop:listings:v1::none")).startsWith("CS1|")
				.endsWith(EMPTY_LIST_JSON);
			assertThat(redis.commands().get("shop:listings:v1::nothing")).startsWith("CS1|")
				.endsWith(EMPTY_LIST_JSON);
		});
	}

	@Test
	void refreshAheadReloadsInTheBackgroundWhileTheOldValueIsServed() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.products.ttl=2s", "cache-starter.caches.products.refresh-ahead=0.5")
			.run((context) -> {
				ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
				catalog.save(product(5, "books"));
				assertThat(catalog.futureSync(5).join().name()).isEqualTo("p5");
				catalog.save(product(5, "books").withName("renamed"));
				await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl("shop:products:v1::5") < 900);
				assertThat(catalog.futureSync(5).join().name()).as("served at once while it reloads").isEqualTo("p5");
				await().atMost(Duration.ofSeconds(5)).until(() -> "renamed".equals(catalog.futureSync(5).join().name()));
				assertThat(catalog.loads()).isEqualTo(2);
			});
	}

	@Test
	void staleEntryIsServedWhileOneReloadRuns() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.products.ttl=1s", "cache-starter.caches.products.stale-ttl=10s")
			.run((context) -> {
				ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
				catalog.save(product(6, "books"));
				assertThat(catalog.monoSync(6).block(Duration.ofSeconds(5)).name()).isEqualTo("p6");
				catalog.save(product(6, "books").withName("renamed"));
				// Past its TTL, inside its stale window.
				await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl("shop:products:v1::6") < 9_900);
				assertThat(catalog.monoSync(6).block(Duration.ofSeconds(5)).name()).isEqualTo("p6");
				await().atMost(Duration.ofSeconds(5))
					.until(() -> "renamed".equals(catalog.monoSync(6).block(Duration.ofSeconds(5)).name()));
				assertThat(catalog.loads()).isEqualTo(2);
			});
	}

	@Test
	void tagsOfAsynchronousMethodsAreInvalidated() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(8, "garden"));
			catalog.save(product(9, "garden"));
			assertThat(catalog.taggedFlux("garden").collectList().block(Duration.ofSeconds(5))).hasSize(2);
			// The same key: the Mono of the list reads what the Flux cached.
			assertThat(catalog.taggedMonoSync("garden").block(Duration.ofSeconds(5))).hasSize(2);
			assertThat(catalog.taggedFuture(8).join().id()).isEqualTo(8);
			assertThat(catalog.loads()).isEqualTo(2);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> redis.commands().smembers("shop:tag:category:garden").size() == 2);
			assertThat(redis.commands().smembers("shop:tag:category:garden"))
				.containsExactlyInAnyOrder("shop:listings:v1::garden", "shop:products:v1::8");
			assertThat(context.getBean(TagInvalidator.class).invalidate("category:garden")).isEqualTo(2);
			assertThat(redis.commands().exists("shop:listings:v1::garden", "shop:products:v1::8")).isZero();
			catalog.taggedFlux("garden").collectList().block(Duration.ofSeconds(5));
			catalog.taggedFuture(8).join();
			assertThat(catalog.loads()).isEqualTo(4);
		});
	}

	@Test
	void hitsAndMissesOfTheAsynchronousFaceAreCounted() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(12, "books"));
			catalog.future(12).join();
			catalog.future(12).join();
			catalog.monoSync(12).block(Duration.ofSeconds(5));
			CacheCounters counters = context.getBean(StarterCacheManager.class).getStarterCache("products").getCounters();
			assertThat(counters.misses()).isOne();
			assertThat(counters.hits()).isEqualTo(2);
			assertThat(counters.puts()).isOne();
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

		/** Starts the call on another thread and returns at once, as a subscriber would. */
		CompletableFuture<Object> start(ReactiveCatalog catalog, long id) {
			return CompletableFuture.supplyAsync(() -> call(catalog, id), CALLERS);
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
