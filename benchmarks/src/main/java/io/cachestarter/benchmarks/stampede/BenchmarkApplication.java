package io.cachestarter.benchmarks.stampede;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * One "instance" of the benchmark: either cache-starter's cache manager, or (with
 * {@code cache-starter.enabled=false} and {@code spring.cache.type=redis}) Spring Boot's plain
 * {@code RedisCacheManager}.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class,
		CacheStarterAutoConfiguration.class, CacheAutoConfiguration.class })
public class BenchmarkApplication {

	@Bean
	BenchmarkService benchmarkService() {
		return new BenchmarkService();
	}

	/** Only used by the plain RedisCacheManager: string values, so that no JDK serialization is involved. */
	@Bean
	RedisCacheConfiguration plainRedisCacheConfiguration() {
		return RedisCacheConfiguration.defaultCacheConfig()
			.serializeValuesWith(SerializationPair.fromSerializer(RedisSerializer.string()));
	}

}
