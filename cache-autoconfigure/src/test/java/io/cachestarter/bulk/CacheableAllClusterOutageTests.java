package io.cachestarter.bulk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.testapp.Product;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @CacheableAll} on a Redis Cluster one of whose masters is killed with SIGKILL (no replica takes over): a
 * read whose keys span every node fails as a whole, so every call succeeds through the method with every key.
 */
class CacheableAllClusterOutageTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	private static RedisClusterGroup cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterGroup.start(3);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aKilledMasterMeansEveryCallSucceedsThroughTheMethodWithEveryKey() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterBulkAutoConfiguration.class))
			.withUserConfiguration(AbstractCacheableAllIntegrationTests.BulkCatalogConfiguration.class)
			.withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()),
					"spring.application.name=shop", "cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				BulkCatalog catalog = AbstractCacheableAllIntegrationTests
					.catalog(context.getBean(BulkCatalog.class), 60);
				List<Long> ids = new ArrayList<>();
				for (long id = 1; id <= 60; id++) {
					ids.add(id);
				}
				assertThat(catalog.findAll(ids)).hasSize(60);
				assertThat(catalog.findAll(ids)).hasSize(60);
				assertThat(catalog.bulkCalls()).hasSize(1);
				RedisServer victim = cluster.masterFor(AbstractCacheableAllIntegrationTests.PREFIX + "1");
				victim.kill();
				List<String> failures = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					int before = catalog.bulkCalls().size();
					try {
						Map<Long, Product> found = catalog.findAll(ids);
						if (!new ArrayList<>(found.keySet()).equals(ids)) {
							failures.add("call " + i + " returned " + found.keySet());
						}
						if (!catalog.bulkCalls().subList(before, catalog.bulkCalls().size()).equals(List.of(ids))) {
							failures.add("call " + i + " did not pass the method every key");
						}
					}
					catch (RuntimeException ex) {
						failures.add("call " + i + " threw " + ex);
					}
				}
				assertThat(failures).isEmpty();
			});
	}

}
