package io.cachestarter.cache;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring's caching annotations, as Spring Framework's own annotation fixtures exercise them, on the starter's cache
 * manager and a real Redis: conditions, {@code unless}, keys, key generators, evictions before and after the call,
 * exceptions, several caches per call. Each test checks both what the caller got and what Redis holds.
 */
class CacheAnnotationContractTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(AnnotatedConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop");

	@AfterEach
	void everyKeyTheStarterWroteHasATtl() {
		StarterRedisCacheIntegrationTests.assertEveryKeyHasTtl(redis.commands());
	}

	@Test
	void cacheableRunsTheMethodOncePerKey() {
		run((service) -> {
			long first = service.cache("a");
			assertThat(service.cache("a")).isEqualTo(first);
			assertThat(service.cache("b")).isNotEqualTo(first);
			assertThat(redis.commands().exists("shop:primary:v1::a", "shop:primary:v1::b")).isEqualTo(2);
		});
	}

	@Test
	void nullResultIsCachedAndTheMethodDoesNotRunAgain() {
		run((service) -> {
			assertThat(service.nothing("n")).isNull();
			assertThat(service.nothing("n")).isNull();
			assertThat(service.calls()).isOne();
			assertThat(redis.commands().exists("shop:primary:v1::n")).isOne();
		});
	}

	@Test
	void conditionFalseNeitherReadsNorWritesTheCache() {
		run((service) -> {
			long skipped = service.conditional(2);
			assertThat(service.conditional(2)).isNotEqualTo(skipped);
			assertThat(redis.commands().exists("shop:primary:v1::2")).isZero();
			long cached = service.conditional(3);
			assertThat(service.conditional(3)).isEqualTo(cached);
			assertThat(redis.commands().exists("shop:primary:v1::3")).isOne();
		});
	}

	@Test
	void unlessTrueKeepsTheResultOutOfTheCache() {
		run((service) -> {
			assertThat(service.unless(20)).isEqualTo(20);
			assertThat(redis.commands().exists("shop:primary:v1::20")).isZero();
			assertThat(service.unless(5)).isEqualTo(5);
			assertThat(redis.commands().exists("shop:primary:v1::5")).isOne();
		});
	}

	@Test
	void keyExpressionAndKeyGeneratorNameTheEntry() {
		run((service) -> {
			long byExpression = service.upperCaseKey("mixed");
			assertThat(service.upperCaseKey("mixed")).isEqualTo(byExpression);
			assertThat(redis.commands().exists("shop:primary:v1::MIXED")).isOne();
			long byGenerator = service.generatedKey("x");
			assertThat(service.generatedKey("x")).isEqualTo(byGenerator);
			assertThat(redis.commands().exists("shop:primary:v1::generated-x")).isOne();
		});
	}

	@Test
	void noArgumentsAndSeveralArgumentsMakeSimpleKeys() {
		run((service) -> {
			long none = service.noArguments();
			assertThat(service.noArguments()).isEqualTo(none);
			long several = service.severalArguments("eu", 7);
			assertThat(service.severalArguments("eu", 7)).isEqualTo(several);
			assertThat(service.severalArguments("eu", 8)).isNotEqualTo(several);
			assertThat(StarterRedisCacheIntegrationTests.keys(redis.commands(), "shop:primary:*"))
				.containsExactlyInAnyOrder("shop:primary:v1::SimpleKey []", "shop:primary:v1::SimpleKey [eu, 7]",
						"shop:primary:v1::SimpleKey [eu, 8]");
		});
	}

	@Test
	void cachePutAlwaysRunsAndReplacesTheEntry() {
		run((service) -> {
			long cached = service.cache("u");
			long updated = service.update("u");
			assertThat(updated).isNotEqualTo(cached);
			assertThat(service.cache("u")).isEqualTo(updated);
			assertThat(service.update("u")).isNotEqualTo(updated);
		});
	}

	@Test
	void cacheEvictRemovesTheEntryAfterTheCall() {
		run((service) -> {
			long cached = service.cache("e");
			service.evict("e");
			assertThat(redis.commands().exists("shop:primary:v1::e")).isZero();
			assertThat(service.cache("e")).isNotEqualTo(cached);
		});
	}

	@Test
	void failingCallKeepsTheEntryUnlessTheEvictionRunsBeforeIt() {
		run((service) -> {
			service.cache("late");
			service.cache("early");
			assertThatIllegalStateException().isThrownBy(() -> service.evictAfterFailing("late"));
			assertThat(redis.commands().exists("shop:primary:v1::late")).isOne();
			assertThatIllegalStateException().isThrownBy(() -> service.evictBeforeFailing("early"));
			assertThat(redis.commands().exists("shop:primary:v1::early")).isZero();
		});
	}

	@Test
	void evictAllEntriesClearsTheCacheAndNoOther() {
		run((service) -> {
			service.cache("one");
			service.cache("two");
			service.inBoth("shared");
			service.evictAll();
			assertThat(redis.commands().exists("shop:primary:v1::one", "shop:primary:v1::two")).isZero();
			assertThat(redis.commands().exists("shop:secondary:v1::shared")).isOne();
		});
	}

	@Test
	void severalCachesOnOneMethodAreAllWrittenAndAnyOfThemServes() {
		run((service) -> {
			long value = service.inBoth("m");
			assertThat(redis.commands().exists("shop:primary:v1::m", "shop:secondary:v1::m")).isEqualTo(2);
			service.evict("m");
			assertThat(service.inBoth("m")).isEqualTo(value);
		});
	}

	@Test
	void cachingCombinesACacheableWithAnEvictionOfAnotherCache() {
		run((service) -> {
			service.inBoth("c");
			long value = service.cacheAndEvictSecondary("c");
			assertThat(redis.commands().exists("shop:secondary:v1::c")).isZero();
			assertThat(service.cacheAndEvictSecondary("c")).isEqualTo(value);
		});
	}

	@Test
	void exceptionsOfTheMethodReachTheCallerUnwrappedAndCacheNothing() {
		run((service) -> {
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> service.failing("u"));
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> service.failingChecked("c"));
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> service.failingSync("s"));
			assertThat(redis.commands().exists("shop:primary:v1::u", "shop:primary:v1::c", "shop:primary:v1::s"))
				.isZero();
		});
	}

	@Test
	void syncCacheableCachesNullAndLoadsOnce() {
		run((service) -> {
			assertThat(service.nothingSync("sn")).isNull();
			assertThat(service.nothingSync("sn")).isNull();
			assertThat(service.calls()).isOne();
			assertThat(redis.commands().exists("shop:primary:v1::sn")).isOne();
		});
	}

	private void run(ServiceAssertions assertions) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertions.accept(context.getBean(AnnotatedService.class));
		});
	}

	@FunctionalInterface
	private interface ServiceAssertions {

		void accept(AnnotatedService service) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class AnnotatedConfiguration {

		@Bean
		AnnotatedService annotatedService() {
			return new AnnotatedService();
		}

		@Bean
		KeyGenerator generatedKeys() {
			return (target, method, params) -> "generated-" + params[0];
		}

	}

	@CacheConfig(cacheNames = "primary")
	static class AnnotatedService {

		private final AtomicLong counter = new AtomicLong();

		long calls() {
			return this.counter.get();
		}

		@Cacheable
		public long cache(Object arg) {
			return this.counter.incrementAndGet();
		}

		@Cacheable
		public @Nullable Object nothing(Object arg) {
			this.counter.incrementAndGet();
			return null;
		}

		@Cacheable(sync = true)
		public @Nullable Object nothingSync(Object arg) {
			this.counter.incrementAndGet();
			return null;
		}

		@Cacheable(condition = "#p0 == 3")
		public long conditional(int arg) {
			return this.counter.incrementAndGet();
		}

		@Cacheable(unless = "#result > 10")
		public int unless(int arg) {
			return arg;
		}

		@Cacheable(key = "#p0.toUpperCase()")
		public long upperCaseKey(String arg) {
			return this.counter.incrementAndGet();
		}

		@Cacheable(keyGenerator = "generatedKeys")
		public long generatedKey(Object arg) {
			return this.counter.incrementAndGet();
		}

		@Cacheable
		public long noArguments() {
			return this.counter.incrementAndGet();
		}

		@Cacheable
		public long severalArguments(String region, int id) {
			return this.counter.incrementAndGet();
		}

		@CachePut
		public long update(Object arg) {
			return this.counter.incrementAndGet();
		}

		@CacheEvict
		public void evict(Object arg) {
		}

		@CacheEvict
		public void evictAfterFailing(Object arg) {
			throw new IllegalStateException("failed before the eviction");
		}

		@CacheEvict(beforeInvocation = true)
		public void evictBeforeFailing(Object arg) {
			throw new IllegalStateException("failed after the eviction");
		}

		@CacheEvict(allEntries = true)
		public void evictAll() {
		}

		@Cacheable(cacheNames = { "primary", "secondary" })
		public long inBoth(Object arg) {
			return this.counter.incrementAndGet();
		}

		@Caching(cacheable = @Cacheable("primary"), evict = @CacheEvict("secondary"))
		public long cacheAndEvictSecondary(Object arg) {
			return this.counter.incrementAndGet();
		}

		@Cacheable
		public long failing(Object arg) {
			throw new UnsupportedOperationException("no value for " + arg);
		}

		@Cacheable
		public long failingChecked(Object arg) throws IOException {
			throw new IOException("no value for " + arg);
		}

		@Cacheable(sync = true)
		public long failingSync(Object arg) {
			throw new UnsupportedOperationException("no value for " + arg);
		}

	}

}
