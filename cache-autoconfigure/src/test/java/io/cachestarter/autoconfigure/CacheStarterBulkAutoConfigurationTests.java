package io.cachestarter.autoconfigure;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.bulk.CacheableAllInterceptor;
import io.cachestarter.interceptor.InvocationAdvisor;
import io.cachestarter.tags.CacheTagsInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, ordering and proxying of {@link CacheStarterBulkAutoConfiguration}. No Redis is contacted.
 */
class CacheStarterBulkAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterBulkAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@Test
	void proxiesCacheableAllMethodsInsideTheCacheTagsAdvisorWithoutEnableCaching() {
		this.contextRunner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(AopUtils.isCglibProxy(service)).isTrue();
			assertThat(interceptors(service)).containsExactly(CacheTagsInterceptor.class,
					CacheableAllInterceptor.class);
			assertThat(bulkAdvisor(context.getBeansOfType(InvocationAdvisor.class).values()).getOrder())
				.isEqualTo(Ordered.LOWEST_PRECEDENCE);
		});
	}

	@Test
	void takesItsOrderFromTheProperty() {
		this.contextRunner.withPropertyValues("cache-starter.bulk.order=42").run((context) -> {
			assertThat(bulkAdvisor(context.getBeansOfType(InvocationAdvisor.class).values()).getOrder())
				.isEqualTo(42);
		});
	}

	@Test
	void backsOffWithoutTheStartersCacheManager() {
		this.contextRunner.withPropertyValues("cache-starter.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(InvocationAdvisor.class).values().stream()
				.filter((advisor) -> advisor.getAdvice() instanceof CacheableAllInterceptor)).isEmpty();
		});
		this.contextRunner.withUserConfiguration(UserCacheManagerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(interceptors(context.getBean(Service.class))).doesNotContain(CacheableAllInterceptor.class);
		});
	}

	private static InvocationAdvisor bulkAdvisor(Collection<InvocationAdvisor> advisors) {
		return advisors.stream()
			.filter((advisor) -> advisor.getAdvice() instanceof CacheableAllInterceptor)
			.findFirst()
			.orElseThrow();
	}

	private static List<Class<?>> interceptors(Object bean) {
		if (!(bean instanceof Advised advised)) {
			return List.of();
		}
		return Arrays.stream(advised.getAdvisors()).map(Advisor::getAdvice).<Class<?>>map(Object::getClass).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		Service service() {
			return new Service();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheManagerConfiguration {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	static class Service {

		@CacheableAll("products")
		@CacheTags("catalog")
		public Map<Long, String> findAll(Collection<Long> ids) {
			return Map.of();
		}

	}

}
