package io.cachestarter.bulk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @CacheableAll} while a real redis-server is killed with SIGKILL: every call succeeds through the method,
 * with every key, and caching resumes by itself once Redis is back.
 */
class CacheableAllOutageTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterAutoConfiguration.class, CacheStarterBulkAutoConfiguration.class))
		.withUserConfiguration(AbstractCacheableAllIntegrationTests.BulkCatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
				"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=1s");

	@Test
	void killMinusNineMeansEveryCallSucceedsThroughTheMethodAndCachingResumesAfterRestart() {
		this.contextRunner.run((context) -> {
			BulkCatalog catalog = AbstractCacheableAllIntegrationTests.catalog(context.getBean(BulkCatalog.class), 20);
			List<Long> ids = List.of(4L, 1L, 9L, 2L, 404L, 7L);
			List<String> failures = new ArrayList<>();
			for (int i = 0; i < 60; i++) {
				if (i == 20) {
					redis.server().kill();
				}
				int before = catalog.bulkCalls().size();
				try {
					Map<Long, Product> found = catalog.findAll(ids);
					if (!new ArrayList<>(found.keySet()).equals(List.of(4L, 1L, 9L, 2L, 7L))) {
						failures.add("call " + i + " returned " + found.keySet());
					}
					if (i > 20 && !catalog.bulkCalls().subList(before, catalog.bulkCalls().size())
						.equals(List.of(ids))) {
						failures.add("call " + i + " passed the method " + catalog.bulkCalls().subList(before,
								catalog.bulkCalls().size()));
					}
				}
				catch (RuntimeException ex) {
					failures.add("call " + i + " threw " + ex);
				}
			}
			assertThat(failures).isEmpty();

			redis.server().restart();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
				int before = catalog.bulkCalls().size();
				assertThat(catalog.findAll(ids)).hasSize(5);
				return catalog.bulkCalls().size() == before;
			});
			assertThat(redis.commands().exists(AbstractCacheableAllIntegrationTests.PREFIX + "9")).isOne();
		});
	}

}
