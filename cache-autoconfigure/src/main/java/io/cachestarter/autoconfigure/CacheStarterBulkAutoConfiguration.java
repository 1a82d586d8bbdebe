package io.cachestarter.autoconfigure;

import io.cachestarter.bulk.CacheableAllInterceptor;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.interceptor.InvocationAdvisor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of {@code @CacheableAll}, multi-key reads.
 * <p>
 * The advisor must run inside the {@code @CacheTags} advisor, so that write-backs carry the call's tags, and should
 * run inside the transaction interceptor, so that it sees the transaction and writes back after commit: its order is
 * {@code cache-starter.bulk.order} (default {@code Ordered.LOWEST_PRECEDENCE}, like
 * {@code @EnableTransactionManagement}, whose advisor is registered first). A {@code @CacheableAll} method that
 * cannot be cached fails start-up when its bean is proxied.
 */
@AutoConfiguration(after = CacheStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration")
@ConditionalOnBean(StarterCacheManager.class)
@Import(InfrastructureProxyRegistrar.class)
public final class CacheStarterBulkAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InvocationAdvisor cacheStarterCacheableAllAdvisor(Environment environment,
			ObjectProvider<StarterCacheManager> cacheManager) {
		CacheableAllInterceptor interceptor = new CacheableAllInterceptor(
				SingletonSupplier.of(cacheManager::getObject));
		return new InvocationAdvisor(interceptor, interceptor::matches,
				environment.getProperty("cache-starter.bulk.order", Integer.class, Ordered.LOWEST_PRECEDENCE));
	}

}
