package io.cachestarter.autoconfigure;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.cachestarter.CacheableAll;
import io.cachestarter.bulk.InvalidCacheableAllMethodException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of bad {@code @CacheableAll} use fails start-up with a failure analysis that names the method. No Redis is
 * contacted.
 */
class CacheableAllStartupFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterBulkAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@Test
	void aFirstParameterThatIsNotACollectionOrArrayFailsStartUpNamingTheMethod() {
		assertFailure(KeysAsString.class, KeysAsString.class.getName() + ".findAll(java.lang.String)",
				"has a first parameter of type java.lang.String, which is not a collection or an array of keys");
	}

	@Test
	void aMethodWithoutParametersFailsStartUpNamingTheMethod() {
		assertFailure(NoParameter.class, NoParameter.class.getName() + ".findAll()",
				"has no parameter; its first must hold the keys");
	}

	@Test
	void aReturnTypeThatIsNotAMapFailsStartUpNamingTheMethod() {
		assertFailure(ReturnsList.class, ReturnsList.class.getName() + ".findAll(java.util.Collection)",
				"returns java.util.List, not a Map from key to value");
	}

	@Test
	void aMapTypeThatCannotHoldRequestOrderFailsStartUp() {
		assertFailure(ReturnsSortedMap.class, ReturnsSortedMap.class.getName() + ".findAll(java.util.Collection)",
				"returns java.util.SortedMap, not a Map from key to value");
	}

	@Test
	void aMethodThatAlsoCarriesCacheableFailsStartUp() {
		assertFailure(AlsoCacheable.class, AlsoCacheable.class.getName() + ".findAll(java.util.Collection)",
				"also carries @Cacheable");
	}

	@Test
	void aMethodWithoutACacheNameFailsStartUp() {
		assertFailure(NoCacheName.class, NoCacheName.class.getName() + ".findAll(java.util.Collection)",
				"names no cache");
	}

	@Test
	void validMethodsStart() {
		this.contextRunner.withBean(Valid.class).run((context) -> assertThat(context).hasNotFailed());
	}

	private void assertFailure(Class<?> service, String method, String rule) {
		this.contextRunner.withBean(service).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isNotNull();
			FailureAnalysis analysis = new InvalidCacheableAllMethodFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("The @CacheableAll method " + method + " " + rule);
			assertThat(analysis.getAction()).isNotBlank();
			assertThat(analysis.getCause()).isInstanceOf(InvalidCacheableAllMethodException.class);
		});
	}

	static class KeysAsString {

		@CacheableAll("products")
		public Map<Long, String> findAll(String ids) {
			return Map.of();
		}

	}

	static class NoParameter {

		@CacheableAll("products")
		public Map<Long, String> findAll() {
			return Map.of();
		}

	}

	static class ReturnsList {

		@CacheableAll("products")
		public List<String> findAll(Collection<Long> ids) {
			return List.of();
		}

	}

	static class ReturnsSortedMap {

		@CacheableAll("products")
		public SortedMap<Long, String> findAll(Collection<Long> ids) {
			return new TreeMap<>();
		}

	}

	static class AlsoCacheable {

		@CacheableAll("products")
		@Cacheable("products")
		public Map<Long, String> findAll(Collection<Long> ids) {
			return Map.of();
		}

	}

	static class NoCacheName {

		@CacheableAll
		public Map<Long, String> findAll(Collection<Long> ids) {
			return Map.of();
		}

	}

	static class Valid {

		@CacheableAll("products")
		public Map<Long, String> byCollection(Collection<Long> ids) {
			return Map.of();
		}

		@CacheableAll("products")
		public Map<Long, String> byList(List<Long> ids, String locale) {
			return Map.of();
		}

		@CacheableAll("products")
		public Map<Long, String> bySet(Set<Long> ids) {
			return Map.of();
		}

		@CacheableAll("products")
		public LinkedHashMap<Long, String> byArray(long[] ids) {
			return new LinkedHashMap<>();
		}

	}

}
