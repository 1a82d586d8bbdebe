package io.cachestarter.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.data.redis.cache.RedisCacheWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring's {@link Cache} contract, as Spring Framework's own cache fixtures check it, against a real Redis: what a
 * caller of the cache gets, and what is then in Redis. Where the starter deliberately differs from the in-memory
 * caches (no same instance back, keys need a text form, a {@code null} into a cache without nulls removes the
 * entry), the test names the chosen behaviour.
 */
class CacheContractTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.caches.strict.cache-null-values=false");

	@AfterEach
	void everyKeyTheStarterWroteHasATtl() {
		StarterRedisCacheIntegrationTests.assertEveryKeyHasTtl(redis.commands());
	}

	@Test
	void nameAndNativeCacheAreSpringDatasOwn() {
		run((nulls, strict) -> {
			assertThat(nulls.getName()).isEqualTo("nulls");
			assertThat(nulls.getNativeCache()).isInstanceOf(RedisCacheWriter.class);
			assertThat(nulls.isAllowNullValues()).isTrue();
			assertThat(strict.isAllowNullValues()).isFalse();
		});
	}

	@Test
	void missingKeyGivesNullFromEveryGet() {
		run((nulls, strict) -> {
			assertThat(nulls.get("absent")).isNull();
			assertThat(nulls.get("absent", Product.class)).isNull();
			assertThat(nulls.retrieve("absent").join()).isNull();
			assertThat(redis.commands().exists("shop:nulls:v1::absent")).isZero();
		});
	}

	@Test
	void putThenGetGivesAnEqualValueThatIsNotTheSameInstance() {
		run((nulls, strict) -> {
			Product kettle = Product.of(1, "kettle");
			nulls.put(1L, kettle);
			assertThat(redis.commands().exists("shop:nulls:v1::1")).isOne();
			Cache.ValueWrapper wrapper = nulls.get(1L);
			assertThat(wrapper).isNotNull();
			// Every read decodes what Redis holds: equal, never the instance that was put.
			assertThat(wrapper.get()).isEqualTo(kettle).isNotSameAs(kettle);
			assertThat(nulls.get(1L, Product.class)).isEqualTo(kettle);
			assertThat(nulls.retrieve(1L).join().get()).isEqualTo(kettle);
		});
	}

	@Test
	void getWithTheWrongTypeFailsNamingTheType() {
		run((nulls, strict) -> {
			nulls.put("word", "text");
			assertThatIllegalStateException().isThrownBy(() -> nulls.get("word", Integer.class))
				.withMessageContaining("java.lang.Integer");
		});
	}

	@Test
	void nullIsCachedAsAValueWhereNullsAreAllowed() {
		run((nulls, strict) -> {
			nulls.put("none", null);
			assertThat(redis.commands().exists("shop:nulls:v1::none")).isOne();
			Cache.ValueWrapper wrapper = nulls.get("none");
			assertThat(wrapper).isNotNull();
			assertThat(wrapper.get()).isNull();
			assertThat(nulls.get("none", String.class)).isNull();
			assertThat(nulls.retrieve("none").join()).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		});
	}

	@Test
	void nullPutIntoACacheWithoutNullsRemovesTheEntryInsteadOfThrowing() {
		run((nulls, strict) -> {
			strict.put("k", "old");
			assertThat(redis.commands().exists("shop:strict:v1::k")).isOne();
			strict.put("k", null);
			assertThat(redis.commands().exists("shop:strict:v1::k")).isZero();
			assertThat(strict.get("k")).isNull();
		});
	}

	@Test
	void putIfAbsentKeepsTheFirstValueAndReportsIt() {
		run((nulls, strict) -> {
			assertThat(nulls.putIfAbsent("p", "first")).isNull();
			Cache.ValueWrapper kept = nulls.putIfAbsent("p", "second");
			assertThat(kept).isNotNull();
			assertThat(kept.get()).isEqualTo("first");
			assertThat(redis.commands().get("shop:nulls:v1::p")).contains("first").doesNotContain("second");
			assertThat(redis.commands().pttl("shop:nulls:v1::p")).isPositive();
		});
	}

	@Test
	void putIfAbsentOfNullReportsAnExistingNull() {
		run((nulls, strict) -> {
			assertThat(nulls.putIfAbsent("n", null)).isNull();
			Cache.ValueWrapper kept = nulls.putIfAbsent("n", "later");
			assertThat(kept).isNotNull();
			assertThat(kept.get()).isNull();
			assertThat(strict.putIfAbsent("n", null)).isNull();
			assertThat(redis.commands().exists("shop:strict:v1::n")).isZero();
		});
	}

	@Test
	void evictRemovesOneEntryAndEvictIfPresentTellsWhetherThereWasOne() {
		run((nulls, strict) -> {
			nulls.put("a", "1");
			nulls.put("b", "2");
			nulls.evict("a");
			assertThat(nulls.get("a")).isNull();
			assertThat(redis.commands().exists("shop:nulls:v1::a")).isZero();
			assertThat(redis.commands().exists("shop:nulls:v1::b")).isOne();
			assertThat(nulls.evictIfPresent("b")).isTrue();
			assertThat(nulls.evictIfPresent("b")).isFalse();
			nulls.evict("never-there");
		});
	}

	@Test
	void clearAndInvalidateRemoveOnlyThisCachesEntries() {
		run((nulls, strict) -> {
			nulls.put("a", "1");
			nulls.put("b", "2");
			strict.put("a", "kept");
			nulls.clear();
			assertThat(nulls.get("a")).isNull();
			assertThat(nulls.get("b")).isNull();
			assertThat(strict.get("a")).isNotNull();
			assertThat(nulls.invalidate()).isFalse();
			nulls.put("c", "3");
			assertThat(nulls.invalidate()).isTrue();
			assertThat(redis.commands().exists("shop:nulls:v1::c")).isZero();
			assertThat(redis.commands().exists("shop:strict:v1::a")).isOne();
		});
	}

	@Test
	void loaderRunsOnAMissStoresItsValueAndIsNotCalledOnAHit() {
		run((nulls, strict) -> {
			AtomicInteger calls = new AtomicInteger();
			assertThat(nulls.get("l", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
			assertThat(nulls.get("l", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
			assertThat(calls).hasValue(1);
			assertThat(redis.commands().get("shop:nulls:v1::l")).contains("v1");
		});
	}

	@Test
	void loaderOfNullIsCachedWhereNullsAreAllowedAndNotWhereTheyAreNot() {
		run((nulls, strict) -> {
			AtomicInteger calls = new AtomicInteger();
			assertThat(nulls.get("z", () -> nullAfter(calls))).isNull();
			assertThat(nulls.get("z", () -> nullAfter(calls))).isNull();
			assertThat(calls).hasValue(1);
			assertThat(strict.get("z", () -> nullAfter(calls))).isNull();
			assertThat(strict.get("z", () -> nullAfter(calls))).isNull();
			assertThat(calls).hasValue(3);
			assertThat(redis.commands().exists("shop:strict:v1::z")).isZero();
		});
	}

	@Test
	void failingLoaderIsWrappedWithItsCauseAndCachesNothing() {
		run((nulls, strict) -> {
			IllegalStateException failure = new IllegalStateException("database down");
			assertThatExceptionOfType(ValueRetrievalException.class)
				.isThrownBy(() -> nulls.get("f", () -> {
					throw failure;
				}))
				.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("f"))
				.havingCause()
				.isSameAs(failure);
			assertThat(redis.commands().exists("shop:nulls:v1::f")).isZero();
			assertThat(nulls.get("f", () -> "recovered")).isEqualTo("recovered");
		});
	}

	@Test
	void concurrentLoadersOfOneKeyRunOnce() {
		run((nulls, strict) -> {
			int callers = 8;
			AtomicInteger calls = new AtomicInteger();
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService threads = Executors.newFixedThreadPool(callers);
			try {
				List<Future<String>> results = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					results.add(threads.submit(() -> {
						start.await();
						return nulls.get("hot", () -> {
							calls.incrementAndGet();
							Thread.sleep(200);
							return "loaded";
						});
					}));
				}
				start.countDown();
				for (Future<String> result : results) {
					assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(calls).hasValue(1);
		});
	}

	@Test
	void asyncLoaderRunsOnAMissStoresItsValueAndIsNotCalledOnAHit() {
		run((nulls, strict) -> {
			AtomicInteger calls = new AtomicInteger();
			assertThat(nulls.retrieve("al", () -> CompletableFuture.completedFuture("a" + calls.incrementAndGet()))
				.join()).isEqualTo("a1");
			assertThat(nulls.retrieve("al", () -> CompletableFuture.completedFuture("a" + calls.incrementAndGet()))
				.join()).isEqualTo("a1");
			assertThat(calls).hasValue(1);
			assertThat(redis.commands().get("shop:nulls:v1::al")).contains("a1");
			assertThat(nulls.get("al", String.class)).isEqualTo("a1");
		});
	}

	@Test
	void failingAsyncLoaderFailsTheFutureWithItsCauseAndCachesNothing() {
		run((nulls, strict) -> {
			IllegalStateException failure = new IllegalStateException("database down");
			CompletableFuture<String> result = nulls.retrieve("af", () -> CompletableFuture.failedFuture(failure));
			assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingRootCause().isSameAs(failure);
			assertThat(redis.commands().exists("shop:nulls:v1::af")).isZero();
			assertThat(nulls.retrieve("af", () -> CompletableFuture.completedFuture("recovered")).join())
				.isEqualTo("recovered");
		});
	}

	@Test
	void compositeKeysAreStoredByTheirTextForm() {
		run((nulls, strict) -> {
			SimpleKey key = new SimpleKey("eu", 7);
			nulls.put(key, "found");
			assertThat(nulls.get(new SimpleKey("eu", 7), String.class)).isEqualTo("found");
			assertThat(nulls.get(new SimpleKey("us", 7))).isNull();
			assertThat(redis.commands().exists("shop:nulls:v1::" + key)).isOne();
		});
	}

	@Test
	void keyWithoutATextFormIsRejectedWithAClearMessageAndNothingIsWritten() {
		run((nulls, strict) -> {
			Object opaque = new Object();
			assertThatIllegalArgumentException().isThrownBy(() -> nulls.put(opaque, "v"))
				.withMessageContaining("java.lang.Object")
				.withMessageContaining("'nulls'")
				.withMessageContaining("has no text form");
			assertThatIllegalArgumentException().isThrownBy(() -> nulls.get(opaque));
			assertThatIllegalArgumentException().isThrownBy(() -> nulls.retrieve(opaque));
			assertThat(StarterRedisCacheIntegrationTests.keys(redis.commands(), "shop:nulls:*")).isEmpty();
		});
	}

	private static String nullAfter(AtomicInteger calls) {
		calls.incrementAndGet();
		return null;
	}

	private void run(CacheAssertions assertions) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			StarterCacheManager manager = context.getBean(StarterCacheManager.class);
			assertions.accept(manager.getStarterCache("nulls"), manager.getStarterCache("strict"));
		});
	}

	@FunctionalInterface
	private interface CacheAssertions {

		void accept(StarterRedisCache nulls, StarterRedisCache strict) throws Exception;

	}

}
