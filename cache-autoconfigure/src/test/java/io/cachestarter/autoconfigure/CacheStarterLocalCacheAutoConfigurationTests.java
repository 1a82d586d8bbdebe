package io.cachestarter.autoconfigure;

import java.time.Duration;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.NearCache;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.endpoint.CacheStarterEndpoint;
import io.cachestarter.health.CacheStarterHealthIndicator;
import io.cachestarter.local.InvalidationSubscription;
import io.cachestarter.local.LocalNearCacheMeters;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wiring of the L1 near caches: present only when some cache has {@code local.enabled}, in front of exactly those
 * caches, with the subscription, the meters, the health detail and the endpoint's {@code local} figures.
 */
class CacheStarterLocalCacheAutoConfigurationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterLocalCacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(),
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.caches.products.ttl=1m",
				"cache-starter.caches.orders.ttl=1m");

	@Test
	void backsOffWhenNoCacheHasLocalEnabled() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(LocalNearCaches.class);
			assertThat(context).doesNotHaveBean(InvalidationSubscription.class);
			assertThat(context.getBean(StarterCacheManager.class).getStarterCache("products").getNearCache())
				.isSameAs(NearCache.NONE);
		});
	}

	@Test
	void backsOffWhenLocalIsExplicitlyOff() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.local.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LocalNearCaches.class));
	}

	@Test
	void putsNearCachesInFrontOfTheCachesThatTurnItOn() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.local.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(LocalNearCaches.class);
			assertThat(context).hasSingleBean(InvalidationSubscription.class);
			StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
			assertThat(cacheManager.getStarterCache("products").getNearCache()).isNotSameAs(NearCache.NONE);
			assertThat(cacheManager.getStarterCache("orders").getNearCache()).isSameAs(NearCache.NONE);
			assertThat(context.getBean(LocalNearCaches.class).caches()).containsOnlyKeys("products");
		});
	}

	@Test
	void defaultsTurnItOnForEveryCacheButTheOnesThatTurnItOff() {
		this.contextRunner
			.withPropertyValues("cache-starter.defaults.local.enabled=true",
					"cache-starter.caches.orders.local.enabled=false")
			.run((context) -> {
				StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
				assertThat(cacheManager.getStarterCache("products").getNearCache()).isNotSameAs(NearCache.NONE);
				assertThat(cacheManager.getStarterCache("orders").getNearCache()).isSameAs(NearCache.NONE);
				assertThat(cacheManager.getStarterCache("used-later").getNearCache()).isNotSameAs(NearCache.NONE);
			});
	}

	@Test
	void subscribesAndReportsListening() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.local.enabled=true").run((context) -> {
			LocalNearCaches caches = context.getBean(LocalNearCaches.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> caches.state() == LocalNearCaches.State.LISTENING);
		});
	}

	@Test
	void tagInvalidatorReachesTheNearCaches() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.local.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(TagInvalidator.class));
	}

	@Test
	void bindsTheMetersOfEveryNearCacheIncludingThoseCreatedLater() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cache-starter.defaults.local.enabled=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(LocalNearCacheMeters.class);
				StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
				cacheManager.getCache("used-later").get("absent");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (String cache : new String[] { "products", "used-later" }) {
					assertThat(registry.find("cache.starter.local.gets").tag("cache", cache).tag("result", "hit")
						.functionCounter()).isNotNull();
					assertThat(registry.find("cache.starter.local.invalidations").tag("cache", cache)
						.functionCounter()).isNotNull();
				}
				assertThat(registry.get("cache.starter.local.gets").tag("cache", "used-later").tag("result", "miss")
					.functionCounter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void healthShowsLocalInvalidationOnlyWhenSomeCacheHasLocalOn() {
		ApplicationContextRunner runner = this.contextRunner
			.withConfiguration(AutoConfigurations.of(CacheStarterHealthAutoConfiguration.class));
		runner.withPropertyValues("cache-starter.caches.products.local.enabled=true").run((context) -> {
			CacheStarterHealthIndicator health = context.getBean(CacheStarterHealthIndicator.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "LISTENING".equals(health.health().getDetails().get("localInvalidation")));
		});
		runner.run((context) -> assertThat(context.getBean(CacheStarterHealthIndicator.class).health().getDetails())
			.doesNotContainKey("localInvalidation"));
	}

	@Test
	void endpointShowsEachCachesLocalFigures() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.local.enabled=true").run((context) -> {
			LocalNearCaches caches = context.getBean(LocalNearCaches.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> caches.state() == LocalNearCaches.State.LISTENING);
			StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
			cacheManager.getCache("products").put(1L, "kettle");
			cacheManager.getCache("products").get(1L);
			@SuppressWarnings("unchecked")
			ObjectProvider<TagInvalidator> none = context.getBeanProvider(TagInvalidator.class);
			CacheStarterEndpoint.LocalDescriptor local = new CacheStarterEndpoint(cacheManager, none).caches()
				.caches()
				.get("products")
				.local();
			assertThat(local.enabled()).isTrue();
			assertThat(local.size()).isEqualTo(1);
			assertThat(local.hits()).isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
