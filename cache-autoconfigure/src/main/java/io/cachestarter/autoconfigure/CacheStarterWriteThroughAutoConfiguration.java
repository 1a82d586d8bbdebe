package io.cachestarter.autoconfigure;

import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.interceptor.InvocationAdvisor;
import io.cachestarter.interceptor.InvocationExpressions;
import io.cachestarter.writethrough.WriteThroughInterceptor;

import org.springframework.beans.factory.BeanFactory;
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
 * Auto-configuration of {@code @WriteThrough}.
 * <p>
 * The advisor should run inside the transaction interceptor, so that it sees the transaction and writes after
 * commit: its order is {@code cache-starter.write-through.order} (default {@code Ordered.LOWEST_PRECEDENCE}, like
 * {@code @EnableTransactionManagement}, whose advisor is registered first).
 */
@AutoConfiguration(after = CacheStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration")
@ConditionalOnBean(StarterCacheManager.class)
@Import(InfrastructureProxyRegistrar.class)
public final class CacheStarterWriteThroughAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InvocationAdvisor cacheStarterWriteThroughAdvisor(Environment environment, BeanFactory beanFactory,
			ObjectProvider<StarterCacheManager> cacheManager, ObjectProvider<EntryTagging> entryTagging) {
		WriteThroughInterceptor interceptor = new WriteThroughInterceptor(new InvocationExpressions(beanFactory),
				SingletonSupplier.of(cacheManager::getObject),
				SingletonSupplier.of(() -> entryTagging.getIfAvailable(() -> EntryTagging.NONE)));
		return new InvocationAdvisor(interceptor, interceptor::matches, environment
			.getProperty("cache-starter.write-through.order", Integer.class, Ordered.LOWEST_PRECEDENCE));
	}

}
