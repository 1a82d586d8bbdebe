package io.cachestarter.benchmarks.hit;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.cachestarter.cache.StarterCacheManager;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * The three Spring contexts a benchmark compares, each built by Spring Boot's full auto-configuration (web off), so
 * whatever auto-configurations cache-starter has at the measured commit take part.
 */
final class CacheContexts {

	private CacheContexts() {
	}

	/**
	 * cache-starter with all of its auto-configurations and their defaults.
	 */
	static ConfigurableApplicationContext starter(String redisUri) {
		ConfigurableApplicationContext context = run(redisUri, new Class<?>[] { CacheApplication.class },
				"spring.application.name=bench", "cache-starter.serialization.allowed-packages=io.cachestarter");
		return expect(context, StarterCacheManager.class);
	}

	/**
	 * cache-starter with the L1 near cache on for every cache (all its auto-configurations and their defaults).
	 */
	static ConfigurableApplicationContext starterWithNearCache(String redisUri) {
		ConfigurableApplicationContext context = run(redisUri, new Class<?>[] { CacheApplication.class },
				"spring.application.name=bench", "cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.defaults.local.enabled=true", "cache-starter.defaults.local.max-size=100000",
				"cache-starter.defaults.local.ttl=5m");
		return expect(context, StarterCacheManager.class);
	}

	/**
	 * Spring Boot's own {@link RedisCacheManager} with a JSON serializer, as a user without cache-starter would
	 * configure it.
	 */
	static ConfigurableApplicationContext plainRedis(String redisUri) {
		ConfigurableApplicationContext context = run(redisUri,
				new Class<?>[] { CacheApplication.class, PlainJsonRedisCache.class }, "cache-starter.enabled=false",
				"spring.cache.type=redis");
		return expect(context, RedisCacheManager.class);
	}

	/**
	 * The same plain {@link RedisCacheManager}, but with immediate writes: a put returns once Redis has the value,
	 * as cache-starter's put does. Spring Data Redis 4 writes asynchronously by default (a put returns before Redis
	 * has the value), so this is the like-for-like reference for the miss path.
	 */
	static ConfigurableApplicationContext plainRedisImmediateWrites(String redisUri) {
		ConfigurableApplicationContext context = run(redisUri,
				new Class<?>[] { CacheApplication.class, PlainJsonRedisCache.class, ImmediateWrites.class },
				"cache-starter.enabled=false", "spring.cache.type=redis", "bench.plain.prefix=immediate:");
		return expect(context, RedisCacheManager.class);
	}

	/**
	 * Spring Boot's Caffeine cache: the in-process reference, no network.
	 */
	static ConfigurableApplicationContext caffeine(String redisUri) {
		ConfigurableApplicationContext context = run(redisUri, new Class<?>[] { CacheApplication.class },
				"cache-starter.enabled=false", "spring.cache.type=caffeine",
				"spring.cache.caffeine.spec=maximumSize=2000000");
		return expect(context, CaffeineCacheManager.class);
	}

	/**
	 * The beans of cache-starter's own packages in a context, by name and class: what the starter contributed.
	 */
	static Map<String, String> starterBeans(ConfigurableApplicationContext context) {
		Map<String, String> beans = new TreeMap<>();
		for (String name : context.getBeanDefinitionNames()) {
			Class<?> type = context.getType(name);
			if (type != null && type.getName().startsWith("io.cachestarter.")
					&& !type.getName().startsWith("io.cachestarter.benchmarks.")) {
				beans.put(name, type.getName());
			}
		}
		return beans;
	}

	private static ConfigurableApplicationContext run(String redisUri, Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + redisUri, "spring.main.banner-mode=off",
					"logging.level.root=warn")
			.properties(properties)
			.run();
	}

	private static ConfigurableApplicationContext expect(ConfigurableApplicationContext context,
			Class<? extends CacheManager> type) {
		CacheManager cacheManager = context.getBean(CacheManager.class);
		if (!type.isInstance(cacheManager)) {
			context.close();
			throw new IllegalStateException("Expected a " + type.getName() + " but the context has "
					+ cacheManager.getClass().getName());
		}
		return context;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class CacheApplication {

		@Bean
		ProductLookup productLookup() {
			return new ProductLookup();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainJsonRedisCache {

		@Bean
		RedisCacheConfiguration redisCacheConfiguration(Environment environment) {
			String prefix = environment.getProperty("bench.plain.prefix", "");
			GenericJacksonJsonRedisSerializer json = GenericJacksonJsonRedisSerializer.builder()
				.enableSpringCacheNullValueSupport()
				.enableDefaultTyping(BasicPolymorphicTypeValidator.builder()
					.allowIfSubType("io.cachestarter.")
					.allowIfSubType("java.")
					.build())
				.build();
			return RedisCacheConfiguration.defaultCacheConfig()
				.prefixCacheNameWith(prefix)
				.entryTtl(Duration.ofMinutes(10))
				.serializeValuesWith(SerializationPair.fromSerializer(json));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ImmediateWrites {

		@Bean
		RedisCacheManagerBuilderCustomizer immediateWrites(RedisConnectionFactory connectionFactory) {
			return (builder) -> builder
				.cacheWriter(RedisCacheWriter.create(connectionFactory, (writer) -> writer.immediateWrites()));
		}

	}

}
