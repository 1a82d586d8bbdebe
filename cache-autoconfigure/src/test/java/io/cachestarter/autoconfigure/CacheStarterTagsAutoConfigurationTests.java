package io.cachestarter.autoconfigure;

import java.util.Arrays;
import java.util.List;

import io.cachestarter.CacheTags;
import io.cachestarter.InvalidateTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.WriteThrough;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.interceptor.InvocationAdvisor;
import io.cachestarter.tags.CacheTagsInterceptor;
import io.cachestarter.tags.InvalidateTagsInterceptor;
import io.cachestarter.tags.RedisEntryTagging;
import io.cachestarter.tags.RedisTagInvalidator;
import io.cachestarter.writethrough.WriteThroughInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, beans and proxying of {@link CacheStarterTagsAutoConfiguration} and
 * {@link CacheStarterWriteThroughAutoConfiguration}. No Redis is contacted.
 */
class CacheStarterTagsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterWriteThroughAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@Test
	void providesTheTagInvalidatorAndTagsTheCacheManagersEntries() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TagInvalidator.class);
			assertThat(context.getBean(TagInvalidator.class)).isInstanceOf(RedisTagInvalidator.class);
			assertThat(context.getBean(EntryTagging.class)).isInstanceOf(RedisEntryTagging.class);
			assertThat(context.getBean(StarterCacheManager.class).getServices().tagging())
				.isSameAs(context.getBean(EntryTagging.class));
		});
	}

	@Test
	void proxiesAnnotatedBeansWithoutEnableCachingOrSpringBootsAopAutoConfiguration() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(BeanFactoryCacheOperationSourceAdvisor.class);
			Service service = context.getBean(Service.class);
			assertThat(AopUtils.isCglibProxy(service)).isTrue();
			assertThat(interceptors(service)).containsExactlyInAnyOrder(CacheTagsInterceptor.class,
					InvalidateTagsInterceptor.class, WriteThroughInterceptor.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
		});
	}

	@Test
	void proxiesAnnotatedBeansAlongsideSpringBootsAopAutoConfiguration() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class)).run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(interceptors(service)).contains(CacheTagsInterceptor.class, InvalidateTagsInterceptor.class,
					WriteThroughInterceptor.class);
		});
	}

	@Test
	void runsTheCacheTagsAdvisorOutsideSpringsCacheInterceptor() {
		this.contextRunner.withUserConfiguration(CachingConfiguration.class).run((context) -> {
			List<Advisor> advisors = Arrays.asList(((Advised) context.getBean(Service.class)).getAdvisors());
			int tags = indexOf(advisors, CacheTagsInterceptor.class);
			int cache = advisors.indexOf(context.getBean(BeanFactoryCacheOperationSourceAdvisor.class));
			assertThat(tags).isNotNegative().isLessThan(cache);
		});
	}

	@Test
	void takesAdvisorOrdersFromProperties() {
		this.contextRunner
			.withPropertyValues("cache-starter.tags.order=5", "cache-starter.tags.invalidation-order=6",
					"cache-starter.write-through.order=7")
			.run((context) -> assertThat(context.getBeansOfType(InvocationAdvisor.class).values())
				.extracting(InvocationAdvisor::getOrder)
				.containsExactlyInAnyOrder(5, 6, 7));
	}

	@Test
	void keepsAUserDefinedTagInvalidator() {
		this.contextRunner.withBean(TagInvalidator.class, () -> (tags) -> 0L)
			.run((context) -> assertThat(context.getBean(TagInvalidator.class))
				.isNotInstanceOf(RedisTagInvalidator.class));
	}

	@Test
	void backsOffWhenCacheStarterIsDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TagInvalidator.class);
			assertThat(context).doesNotHaveBean(InvocationAdvisor.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Service.class))).isFalse();
		});
	}

	@Test
	void backsOffWhenTheUserDefinesACacheManager() {
		this.contextRunner.withBean(CacheManager.class, ConcurrentMapCacheManager::new).run((context) -> {
			assertThat(context).doesNotHaveBean(TagInvalidator.class);
			assertThat(context).doesNotHaveBean(InvocationAdvisor.class);
		});
	}

	private static List<Class<?>> interceptors(Object proxy) {
		return Arrays.stream(((Advised) proxy).getAdvisors())
			.map((advisor) -> advisor.getAdvice().getClass())
			.<Class<?>>map((type) -> type)
			.toList();
	}

	private static int indexOf(List<Advisor> advisors, Class<?> adviceType) {
		for (int i = 0; i < advisors.size(); i++) {
			if (adviceType.isInstance(advisors.get(i).getAdvice())) {
				return i;
			}
		}
		return -1;
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		Service service() {
			return new Service();
		}

		@Bean
		Plain plain() {
			return new Plain();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	/** Implements an interface, and still gets a class proxy, as Spring Boot users expect. */
	static class Service implements Runnable {

		@Cacheable("products")
		@CacheTags("product:#{#id}")
		public String find(long id) {
			return "product " + id;
		}

		@InvalidateTags("product:#{#id}")
		public void update(long id) {
		}

		@WriteThrough(cache = "products", key = "#id")
		public String save(long id) {
			return "product " + id;
		}

		@Override
		public void run() {
		}

	}

	static class Plain {

		public String find(long id) {
			return "product " + id;
		}

	}

}
