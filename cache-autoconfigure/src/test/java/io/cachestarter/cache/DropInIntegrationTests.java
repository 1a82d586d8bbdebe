package io.cachestarter.cache;

import java.time.Duration;
import java.util.function.Consumer;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.CatalogService;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter as a drop-in for Spring Boot's Redis cache: the cache manager is a {@code RedisCacheManager}, what
 * such an application configured is honoured with the documented precedence (each row checked with {@code PTTL} in
 * Redis), and what the starter does not take over is named in one warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class DropInIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final String KEY = "shop:products:v1::1";

	private static final String NULL_KEY = "shop:products:v1::404";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.defaults.jitter=0");

	@Test
	void codeThatInjectsRedisCacheManagerStarts() {
		this.contextRunner.withUserConfiguration(RedisCacheManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisCacheManagerUser.class).cacheManager)
				.isSameAs(context.getBean(StarterCacheManager.class));
			assertThat(context.getBean(RedisCacheManager.class).getCache("products"))
				.isInstanceOf(org.springframework.cache.transaction.TransactionAwareCacheDecorator.class);
			assertThat(context.getBean(StarterCacheManager.class).getStarterCache("products"))
				.isInstanceOf(org.springframework.data.redis.cache.RedisCache.class);
		});
	}

	@Test
	void builtInDefaultTtlIsTenMinutes() {
		this.contextRunner.run(expectTtl(Duration.ofMinutes(10)));
	}

	@Test
	void springCacheRedisTimeToLiveIsTheDefault() {
		this.contextRunner.withPropertyValues("spring.cache.redis.time-to-live=7m").run(expectTtl(Duration.ofMinutes(7)));
	}

	@Test
	void aRedisCacheConfigurationBeanStandsForSpringCacheRedis() {
		this.contextRunner.withPropertyValues("spring.cache.redis.time-to-live=7m")
			.withBean(RedisCacheConfiguration.class,
					() -> RedisCacheConfiguration.defaultCacheConfig().entryTtl(Duration.ofMinutes(8)))
			.run(expectTtl(Duration.ofMinutes(8)));
	}

	@Test
	void starterDefaultsWinOverSpringCacheRedis() {
		this.contextRunner.withPropertyValues("spring.cache.redis.time-to-live=7m", "cache-starter.defaults.ttl=6m")
			.run(expectTtl(Duration.ofMinutes(6)));
	}

	@Test
	void aCustomizersConfigurationOfTheCacheWinsOverStarterDefaults() {
		this.contextRunner.withPropertyValues("cache-starter.defaults.ttl=6m")
			.withUserConfiguration(FiveMinuteProducts.class)
			.run(expectTtl(Duration.ofMinutes(5)));
	}

	@Test
	void theStartersOwnCacheSettingsWinOverEverything() {
		this.contextRunner
			.withPropertyValues("spring.cache.redis.time-to-live=7m", "cache-starter.defaults.ttl=6m",
					"cache-starter.caches.products.ttl=4m")
			.withUserConfiguration(FiveMinuteProducts.class)
			.run(expectTtl(Duration.ofMinutes(4)));
	}

	@Test
	void springCacheRedisCacheNullValuesFalseIsHonoured() {
		this.contextRunner.withPropertyValues("spring.cache.redis.cache-null-values=false")
			.run(expectNullsCached(false));
	}

	@Test
	void starterDefaultsCacheNullValuesWinOverSpringCacheRedis() {
		this.contextRunner
			.withPropertyValues("spring.cache.redis.cache-null-values=false", "cache-starter.defaults.cache-null-values=true")
			.run(expectNullsCached(true));
	}

	@Test
	void aCustomizerThatDisablesCachingNullsForTheCacheWinsOverStarterDefaults() {
		this.contextRunner.withPropertyValues("cache-starter.defaults.cache-null-values=true")
			.withUserConfiguration(ProductsWithoutNulls.class)
			.run(expectNullsCached(false));
	}

	@Test
	void theStartersOwnCacheNullValuesWinOverTheCustomizer() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.cache-null-values=true")
			.withUserConfiguration(ProductsWithoutNulls.class)
			.run(expectNullsCached(true));
	}

	@Test
	void cacheConfigurationsTellTheEffectiveSettings() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.ttl=4m")
			.withUserConfiguration(ProductsWithoutNulls.class)
			.run((context) -> {
				RedisCacheManager cacheManager = context.getBean(RedisCacheManager.class);
				RedisCacheConfiguration products = cacheManager.getCacheConfigurations().get("products");
				assertThat(products.getTtlFunction().getTimeToLive("1", "value")).isEqualTo(Duration.ofMinutes(4));
				assertThat(products.getAllowCacheNullValues()).isFalse();
				assertThat(products.getKeyPrefixFor("products")).isEqualTo("shop:products:v1::");
				RedisCacheConfiguration other = ((org.springframework.data.redis.cache.RedisCache) context
					.getBean(StarterCacheManager.class)
					.getStarterCache("others")).getCacheConfiguration();
				assertThat(other.getTtlFunction().getTimeToLive("1", "value")).isEqualTo(Duration.ofMinutes(10));
				assertThat(other.getAllowCacheNullValues()).isTrue();
			});
	}

	@Test
	void cachesConfiguredByACustomizerExistFromStartUp() {
		this.contextRunner.withUserConfiguration(FiveMinuteProducts.class)
			.run((context) -> assertThat(context.getBean(RedisCacheManager.class).getCacheNames()).contains("products"));
	}

	@Test
	void keyConvertersOfTheConfigurationAreHonoured() {
		this.contextRunner.withUserConfiguration(SkuKeys.class).run((context) -> {
			org.springframework.cache.Cache cache = context.getBean(RedisCacheManager.class).getCache("products");
			cache.put(new Sku("ab-12"), "kettle");
			assertThat(redis.commands().exists("shop:products:v1::SKU:ab-12")).isOne();
			assertThat(cache.get(new Sku("ab-12")).get()).isEqualTo("kettle");
		});
	}

	@Test
	void aKeyConverterForLongKeysIsHonouredAndOtherCachesKeepDecimalText() {
		this.contextRunner.withUserConfiguration(PaddedLongKeys.class).run((context) -> {
			RedisCacheManager manager = context.getBean(RedisCacheManager.class);
			manager.getCache("products").put(42L, "kettle");
			manager.getCache("products").put(7, "cup");
			manager.getCache("others").put(42L, "plain");
			assertThat(redis.commands().exists("shop:products:v1::#0000000042", "shop:products:v1::7")).isEqualTo(2);
			assertThat(redis.commands().exists("shop:others:v1::42")).isOne();
			assertThat(manager.getCache("products").get(42L).get()).isEqualTo("kettle");
		});
	}

	@Test
	void springBootsCacheManagerCustomizersForRedisCacheManagerApply() {
		this.contextRunner.withUserConfiguration(RedisCacheManagerCustomizerConfiguration.class).run((context) -> {
			assertThat(context.getBean(RedisCacheManagerCustomizerConfiguration.class).customized)
				.isSameAs(context.getBean(StarterCacheManager.class));
		});
	}

	@Test
	void settingsTheStarterDoesNotTakeOverAreNamedInOneWarning(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(JsonSerializedProducts.class)
			.withPropertyValues("spring.cache.redis.key-prefix=legacy:")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).containsOnlyOnce("does not take over these Spring Data Redis cache settings");
				assertThat(output).contains("spring.cache.redis.key-prefix")
					.contains("a value serializer (serializeValuesWith) in the RedisCacheConfiguration of cache 'products'")
					.contains("a key prefix (prefixCacheNameWith, computePrefixWith or disableKeyPrefix) in the "
							+ "RedisCacheConfiguration of cache 'products'");
				// Still the starter's envelope and key layout.
				context.getBean(CatalogService.class).save(Product.of(1, "kettle"));
				context.getBean(CatalogService.class).find(1);
				assertThat(redis.commands().get(KEY)).startsWith("CS1|");
			});
	}

	@Test
	void noWarningForAPlainConfiguration(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(FiveMinuteProducts.class)
			.withPropertyValues("spring.cache.redis.time-to-live=7m")
			.run((context) -> assertThat(output).doesNotContain("does not take over"));
	}

	private static org.springframework.boot.test.context.runner.ContextConsumer<
			org.springframework.boot.test.context.assertj.AssertableApplicationContext> expectTtl(Duration ttl) {
		return (context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(1, "kettle"));
			catalog.find(1);
			assertThat(redis.commands().pttl(KEY)).isBetween(ttl.toMillis() - 5_000, ttl.toMillis());
		};
	}

	private static org.springframework.boot.test.context.runner.ContextConsumer<
			org.springframework.boot.test.context.assertj.AssertableApplicationContext> expectNullsCached(
					boolean cached) {
		return (context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.find(404);
			catalog.find(404);
			assertThat(redis.commands().exists(NULL_KEY)).isEqualTo(cached ? 1 : 0);
			assertThat(catalog.loads()).isEqualTo(cached ? 1 : 2);
		};
	}

	private static RedisCacheManagerBuilderCustomizer products(Consumer<RedisCacheConfiguration[]> change) {
		return (builder) -> {
			RedisCacheConfiguration[] configuration = { RedisCacheConfiguration.defaultCacheConfig() };
			change.accept(configuration);
			builder.withCacheConfiguration("products", configuration[0]);
		};
	}

	record Sku(String code) {
	}

	@Configuration(proxyBeanMethods = false)
	static class FiveMinuteProducts {

		@Bean
		RedisCacheManagerBuilderCustomizer fiveMinuteProducts() {
			return products((c) -> c[0] = c[0].entryTtl(Duration.ofMinutes(5)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProductsWithoutNulls {

		@Bean
		RedisCacheManagerBuilderCustomizer productsWithoutNulls() {
			return products((c) -> c[0] = c[0].disableCachingNullValues());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonSerializedProducts {

		@Bean
		RedisCacheManagerBuilderCustomizer jsonProducts() {
			return products((c) -> c[0] = c[0].prefixCacheNameWith("v2:")
				.serializeValuesWith(SerializationPair.fromSerializer(GenericJacksonJsonRedisSerializer.builder().build())));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SkuKeys {

		@Bean
		RedisCacheManagerBuilderCustomizer skuKeys() {
			return products((c) -> c[0].configureKeyConverters(
					(registry) -> registry.addConverter(Sku.class, String.class, (sku) -> "SKU:" + sku.code())));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PaddedLongKeys {

		@Bean
		RedisCacheManagerBuilderCustomizer paddedLongKeys() {
			return products((c) -> c[0].configureKeyConverters((registry) -> registry.addConverter(Long.class,
					String.class, (id) -> "#" + String.format("%010d", id))));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisCacheManagerUser {

		final RedisCacheManager cacheManager;

		RedisCacheManagerUser(RedisCacheManager cacheManager) {
			this.cacheManager = cacheManager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisCacheManagerCustomizerConfiguration {

		volatile RedisCacheManager customized;

		@Bean
		CacheManagerCustomizer<RedisCacheManager> redisCacheManagerCustomizer() {
			return (cacheManager) -> this.customized = cacheManager;
		}

	}

}
