package io.cachestarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.cachestarter.cache.CacheServices;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.LoadCoordinator;
import io.cachestarter.cache.NearCache;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.redis.AsyncCacheStore;
import io.cachestarter.redis.AsyncExecutor;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.DeniedCommands;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.cachestarter.serialization.AllowedTypes;
import io.cachestarter.serialization.CacheEntryCodec;
import io.cachestarter.stampede.LocalLoadCoordinator;
import io.cachestarter.stampede.ReloadExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of cache-starter's {@link StarterCacheManager}, a Spring Data {@code RedisCacheManager}. Runs
 * before Spring Boot's cache auto-configuration, which then backs off; backs off itself when the user defines a
 * {@link CacheManager}, sets {@code cache-starter.enabled=false}, or picks another {@code spring.cache.type}. What the
 * application configured for Spring Boot's Redis cache is honoured ({@code spring.cache.redis.*}, a
 * {@code RedisCacheConfiguration} bean, {@code RedisCacheManagerBuilderCustomizer} beans, and
 * {@code spring.cache.cache-names}), below the starter's own properties; what the starter does not take over is named
 * in one warning.
 * <p>
 * The capabilities that hook into the cache (resilience, stampede protection, tags, metrics) are auto-configured
 * separately and before this class; where one is absent, the plain default defined here is used.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ CacheManager.class, RedisConnectionFactory.class })
@ConditionalOnCacheStarter
@EnableConfigurationProperties(CacheStarterProperties.class)
public final class CacheStarterAutoConfiguration {

	private static final Log logger = LogFactory.getLog(CacheStarterAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	StarterCacheManager cacheManager(CacheStarterProperties properties, Environment environment,
			RedisConnectionFactory connectionFactory, CacheEntryCodec cacheEntryCodec, RedisGuard redisGuard,
			LoadCoordinator loadCoordinator, AsyncExecutor cacheStarterAsyncExecutor,
			ObjectProvider<EntryTagging> entryTagging, ObjectProvider<NearCache.Factory> nearCaches,
			ObjectProvider<CacheStarterMetrics> metrics, ObjectProvider<RedisCacheConfiguration> redisCacheConfiguration,
			ObjectProvider<RedisCacheManagerBuilderCustomizer> redisCacheManagerBuilderCustomizers,
			ObjectProvider<StarterCacheManagerCustomizer> customizers,
			ObjectProvider<CacheManagerCustomizer<?>> springBootCustomizers, ResourceLoader resourceLoader) {
		SpringDataCacheSettings springData = SpringDataCacheSettings.read(environment, connectionFactory,
				redisCacheConfiguration.getIfAvailable(), redisCacheManagerBuilderCustomizers.orderedStream().toList(),
				resourceLoader.getClassLoader());
		if (!springData.notTakenOver().isEmpty()) {
			logger.warn("cache-starter does not take over these Spring Data Redis cache settings, which have no effect "
					+ "on its caches: " + String.join("; ", springData.notTakenOver()));
		}
		CacheSettingsResolver settings = new CacheSettingsResolver(properties, springData);
		CacheStore store = new CacheStore(connectionFactory);
		CacheServices services = new CacheServices(keyPrefix(properties, environment), store,
				AsyncCacheStore.create(connectionFactory, store, cacheStarterAsyncExecutor), cacheStarterAsyncExecutor,
				cacheEntryCodec, redisGuard, loadCoordinator, entryTagging.getIfAvailable(() -> EntryTagging.NONE),
				nearCaches.getIfAvailable(() -> NearCache.Factory.NONE), metrics.getIfAvailable(CacheStarterMetrics::noop),
				properties.getMaxValueSize().toBytes());
		StarterCacheManager cacheManager = new StarterCacheManager(connectionFactory, settings, services);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(cacheManager));
		// Spring Boot's own CacheManagerCustomizer<T> beans apply too, as they would to its cache managers.
		new CacheManagerCustomizers(springBootCustomizers.orderedStream().toList()).customize(cacheManager);
		return cacheManager;
	}

	/** Where the asynchronous face decodes values and completes its futures: never Lettuce's event loop. */
	@Bean
	@ConditionalOnMissingBean
	AsyncExecutor cacheStarterAsyncExecutor() {
		return AsyncExecutor.withDefaultSize();
	}

	@Bean
	@ConditionalOnMissingBean
	CacheEntryCodec cacheEntryCodec(CacheStarterProperties properties, BeanFactory beanFactory) {
		List<String> packages = new ArrayList<>(properties.getSerialization().getAllowedPackages());
		if (packages.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		if (packages.isEmpty()) {
			logger.warn("No application packages are known and cache-starter.serialization.allowed-packages is not "
					+ "set: only JDK value types can be read from the cache");
		}
		return new CacheEntryCodec(new AllowedTypes(packages), beanFactory.getClass().getClassLoader(),
				CacheSettingsResolver.maxValueSize(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	RedisGuard redisGuard(ObjectProvider<CacheStarterMetrics> metrics) {
		return new FailSafeRedisGuard(metrics.getIfAvailable(CacheStarterMetrics::noop));
	}

	/** Shared by the capabilities that can do without a command Redis denies, and by the health component. */
	@Bean
	@ConditionalOnMissingBean
	DeniedCommands cacheStarterDeniedCommands() {
		return new DeniedCommands();
	}

	@Bean
	@ConditionalOnMissingBean
	ReloadExecutor cacheStarterReloadExecutor() {
		return new ReloadExecutor(2, 1_000);
	}

	@Bean
	@ConditionalOnMissingBean
	LoadCoordinator loadCoordinator(ReloadExecutor reloadExecutor, AsyncExecutor cacheStarterAsyncExecutor,
			ObjectProvider<CacheStarterMetrics> metrics) {
		return new LocalLoadCoordinator(reloadExecutor, cacheStarterAsyncExecutor,
				metrics.getIfAvailable(CacheStarterMetrics::noop));
	}

	static String keyPrefix(CacheStarterProperties properties, Environment environment) {
		if (properties.getKeyPrefix() != null) {
			return properties.getKeyPrefix();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return (applicationName != null && !applicationName.isBlank()) ? applicationName + ":" : "";
	}

}
