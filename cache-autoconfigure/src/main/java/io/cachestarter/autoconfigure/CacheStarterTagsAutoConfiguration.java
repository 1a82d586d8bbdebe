package io.cachestarter.autoconfigure;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.NearCache;
import io.cachestarter.interceptor.InvocationAdvisor;
import io.cachestarter.interceptor.InvocationExpressions;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.tags.CacheTagsInterceptor;
import io.cachestarter.tags.InvalidateTagsInterceptor;
import io.cachestarter.tags.RedisEntryTagging;
import io.cachestarter.tags.RedisTagInvalidator;
import io.cachestarter.tags.TagStore;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of tags: {@code @CacheTags} on cached methods, {@code @InvalidateTags}, and the
 * {@link TagInvalidator} bean.
 * <p>
 * The {@code @CacheTags} advisor must run outside Spring's cache interceptor: its order is
 * {@code cache-starter.tags.order} (default {@code Ordered.LOWEST_PRECEDENCE - 10}; {@code @EnableCaching} uses
 * {@code LOWEST_PRECEDENCE}). The {@code @InvalidateTags} advisor should run inside the transaction interceptor, so
 * that it sees the transaction and invalidates after commit: its order is {@code cache-starter.tags.invalidation-order}
 * (default {@code LOWEST_PRECEDENCE}, like {@code @EnableTransactionManagement}, whose advisor is registered first).
 */
@AutoConfiguration(before = CacheStarterAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnCacheStarter
@EnableConfigurationProperties(CacheStarterProperties.class)
@Import(InfrastructureProxyRegistrar.class)
public final class CacheStarterTagsAutoConfiguration {

	/** Default order of the {@code @CacheTags} advisor: just outside {@code @EnableCaching}'s. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	@Bean
	@ConditionalOnMissingBean
	TagStore cacheStarterTagStore(CacheStarterProperties properties, Environment environment,
			RedisConnectionFactory connectionFactory) {
		return new TagStore(CacheStarterAutoConfiguration.keyPrefix(properties, environment),
				new CacheStore(connectionFactory));
	}

	@Bean
	@ConditionalOnMissingBean
	EntryTagging entryTagging(TagStore tagStore, RedisGuard redisGuard, BeanFactory beanFactory,
			ObjectProvider<CacheStarterMetrics> metrics) {
		return new RedisEntryTagging(tagStore, redisGuard, new InvocationExpressions(beanFactory),
				metrics.getIfAvailable(CacheStarterMetrics::noop));
	}

	@Bean
	@ConditionalOnMissingBean
	TagInvalidator tagInvalidator(TagStore tagStore, RedisGuard redisGuard,
			ObjectProvider<CacheStarterMetrics> metrics, ObjectProvider<NearCache.Factory> nearCaches) {
		return new RedisTagInvalidator(tagStore, redisGuard, metrics.getIfAvailable(CacheStarterMetrics::noop),
				nearCaches.getIfAvailable(() -> NearCache.Factory.NONE));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InvocationAdvisor cacheStarterCacheTagsAdvisor(Environment environment,
			ObjectProvider<EntryTagging> entryTagging) {
		CacheTagsInterceptor interceptor = new CacheTagsInterceptor(
				SingletonSupplier.of(() -> entryTagging.getIfAvailable(() -> EntryTagging.NONE)));
		return new InvocationAdvisor(interceptor, interceptor::matches,
				environment.getProperty("cache-starter.tags.order", Integer.class, DEFAULT_ORDER));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InvocationAdvisor cacheStarterInvalidateTagsAdvisor(Environment environment, BeanFactory beanFactory,
			ObjectProvider<TagInvalidator> tagInvalidator) {
		InvalidateTagsInterceptor interceptor = new InvalidateTagsInterceptor(new InvocationExpressions(beanFactory),
				SingletonSupplier.of(tagInvalidator::getObject));
		return new InvocationAdvisor(interceptor, interceptor::matches, environment
			.getProperty("cache-starter.tags.invalidation-order", Integer.class, Ordered.LOWEST_PRECEDENCE));
	}

}
