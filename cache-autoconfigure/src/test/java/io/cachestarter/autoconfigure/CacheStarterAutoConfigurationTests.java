package io.cachestarter.autoconfigure;

import java.time.Duration;

import io.cachestarter.cache.CacheSettings;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.serialization.Compression;
import io.cachestarter.testapp.CatalogConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and back-offs of {@link CacheStarterAutoConfiguration}. No Redis is contacted: creating the cache
 * manager does not connect.
 */
class CacheStarterAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CacheStarterAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@Test
	void createsStarterCacheManagerInPlaceOfSpringBootsOwn() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CacheManager.class);
			assertThat(context).hasSingleBean(StarterCacheManager.class);
			// Spring Data's type, so that code written for Spring Boot's Redis cache injects it.
			assertThat(context).hasSingleBean(RedisCacheManager.class);
			assertThat(context.getBean(RedisCacheManager.class)).isSameAs(context.getBean(StarterCacheManager.class));
		});
	}

	@Test
	void backsOffWhenUserDefinesCacheManager() {
		this.contextRunner.withUserConfiguration(UserCacheManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CacheManager.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(context).doesNotHaveBean(StarterCacheManager.class);
		});
	}

	@Test
	void leavesSpringBootInChargeWhenDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(StarterCacheManager.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(RedisCacheManager.class);
		});
	}

	@Test
	void leavesSpringBootInChargeWhenAnotherCacheTypeIsChosen() {
		this.contextRunner.withPropertyValues("spring.cache.type=simple").run((context) -> {
			assertThat(context).doesNotHaveBean(StarterCacheManager.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
		});
		this.contextRunner.withPropertyValues("spring.cache.type=redis")
			.run((context) -> assertThat(context).hasSingleBean(StarterCacheManager.class));
	}

	@Test
	void cacheNamesOfSpringBootAreDeclaredToo() {
		this.contextRunner.withPropertyValues("spring.cache.cache-names=a,b", "cache-starter.caches.c.ttl=1m")
			.run((context) -> assertThat(context.getBean(StarterCacheManager.class).getCacheNames())
				.containsExactlyInAnyOrder("a", "b", "c"));
	}

	@Test
	void springBootCacheManagerCustomizersApply() {
		this.contextRunner.withUserConfiguration(SpringBootCustomizerConfiguration.class)
			.run((context) -> assertThat(context.getBean(StarterCacheManager.class).getCacheNames())
				.contains("fromBootCustomizer"));
	}

	@Test
	void backsOffWithoutRedisConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CacheStarterAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StarterCacheManager.class));
	}

	@Test
	void declaredCachesExistAtStartUpWithTheirSettings() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.products.ttl=2m", "cache-starter.caches.products.jitter=0.2",
					"cache-starter.caches.users.version=3", "cache-starter.defaults.null-ttl=30s")
			.run((context) -> {
				StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
				assertThat(cacheManager.getCacheNames()).containsExactlyInAnyOrder("products", "users");
				CacheSettings products = cacheManager.getStarterCache("products").getSettings();
				assertThat(products.ttl()).isEqualTo(Duration.ofMinutes(2));
				assertThat(products.jitter()).isEqualTo(0.2);
				assertThat(products.nullTtl()).isEqualTo(Duration.ofSeconds(30));
				assertThat(cacheManager.getStarterCache("users").getSettings().version()).isEqualTo(3);
			});
	}

	@Test
	void undeclaredCacheGetsTheDefaults() {
		this.contextRunner.withPropertyValues("cache-starter.defaults.ttl=5m").run((context) -> {
			StarterRedisCache cache = context.getBean(StarterCacheManager.class).getStarterCache("anything");
			CacheSettings settings = cache.getSettings();
			assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(settings.jitter()).isEqualTo(0.1);
			assertThat(settings.cacheNullValues()).isTrue();
			assertThat(settings.nullTtl()).isEqualTo(Duration.ofSeconds(60));
			assertThat(settings.version()).isEqualTo(1);
			assertThat(settings.refreshAhead()).isZero();
			assertThat(settings.staleTtl()).isZero();
			assertThat(settings.local().enabled()).isFalse();
			assertThat(settings.local().maxSize()).isEqualTo(10_000);
			assertThat(settings.local().ttl()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.compression()).isEqualTo(new Compression(false, DataSize.ofKilobytes(4)));
		});
	}

	@Test
	void compressionSettingsInheritFromDefaultsKeyByKey() {
		this.contextRunner
			.withPropertyValues("cache-starter.defaults.compression.enabled=true",
					"cache-starter.defaults.compression.threshold=8KB",
					"cache-starter.caches.listings.compression.threshold=1KB",
					"cache-starter.caches.small.compression.enabled=false")
			.run((context) -> {
				StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
				assertThat(cacheManager.getStarterCache("listings").getSettings().compression())
					.isEqualTo(new Compression(true, DataSize.ofKilobytes(1)));
				assertThat(cacheManager.getStarterCache("small").getSettings().compression())
					.isEqualTo(new Compression(false, DataSize.ofKilobytes(8)));
				assertThat(cacheManager.getStarterCache("undeclared").getSettings().compression())
					.isEqualTo(new Compression(true, DataSize.ofKilobytes(8)));
			});
	}

	@Test
	void inheritedNullTtlAndLocalTtlAreCappedAtTheCachesTtl() {
		this.contextRunner.withPropertyValues("cache-starter.caches.short.ttl=2s").run((context) -> {
			CacheSettings settings = context.getBean(StarterCacheManager.class).getStarterCache("short").getSettings();
			assertThat(settings.nullTtl()).isEqualTo(Duration.ofSeconds(2));
			assertThat(settings.local().ttl()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void keyPrefixDefaultsToTheApplicationName() {
		this.contextRunner.withPropertyValues("spring.application.name=catalog")
			.run((context) -> assertThat(context.getBean(StarterCacheManager.class).getStarterCache("products")
				.getKeys()
				.redisKey(42L)).isEqualTo("catalog:products:v1::42"));
	}

	@Test
	void keyPrefixIsEmptyWithoutApplicationNameAndCanBeSet() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(StarterCacheManager.class).getStarterCache("products").getKeys().redisKey("a"))
			.isEqualTo("products:v1::a"));
		this.contextRunner.withPropertyValues("spring.application.name=catalog", "cache-starter.key-prefix=shop/")
			.run((context) -> assertThat(
					context.getBean(StarterCacheManager.class).getStarterCache("products").getKeys().redisKey("a"))
				.isEqualTo("shop/products:v1::a"));
	}

	@Test
	void customizersSeeTheCacheManager() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> assertThat(context.getBean(StarterCacheManager.class).getCacheNames())
				.contains("fromCustomizer"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheManagerConfiguration {

		@Bean
		CacheManager userCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SpringBootCustomizerConfiguration {

		@Bean
		CacheManagerCustomizer<StarterCacheManager> bootCustomizer() {
			return (cacheManager) -> cacheManager.getCache("fromBootCustomizer");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		StarterCacheManagerCustomizer createCacheCustomizer() {
			return (cacheManager) -> cacheManager.getCache("fromCustomizer");
		}

	}

}
