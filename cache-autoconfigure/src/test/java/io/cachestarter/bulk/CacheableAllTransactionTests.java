package io.cachestarter.bulk;

import java.util.List;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @CacheableAll} inside transactions of a real {@code DataSourceTransactionManager} over H2: the write-back
 * is a put, so it lands after commit, tagged, and not at all on rollback.
 */
class CacheableAllTransactionTests {

	private static final String KEY = AbstractCacheableAllIntegrationTests.PREFIX + "1";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterBulkAutoConfiguration.class))
		.withUserConfiguration(AbstractCacheableAllIntegrationTests.BulkCatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void writesBackAfterCommitWithItsTagsAndNotBefore() {
		this.contextRunner.run((context) -> {
			BulkCatalog catalog = AbstractCacheableAllIntegrationTests.catalog(context.getBean(BulkCatalog.class), 3);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				assertThat(catalog.findAll(List.of(1L, 2L))).containsOnlyKeys(1L, 2L);
				assertThat(catalog.findTagged(List.of(1L))).containsOnlyKeys(1L);
				assertThat(redis.commands().exists(KEY, "shop:tagged:v1::1")).as("inside the transaction").isZero();
			});
			assertThat(redis.commands().exists(KEY, AbstractCacheableAllIntegrationTests.PREFIX + "2")).isEqualTo(2);
			assertThat(redis.commands().smembers("shop:tag:product:1")).containsExactly("shop:tagged:v1::1");
		});
	}

	@Test
	void writesNothingWhenTheTransactionRollsBack() {
		this.contextRunner.run((context) -> {
			BulkCatalog catalog = AbstractCacheableAllIntegrationTests.catalog(context.getBean(BulkCatalog.class), 3);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				catalog.findAll(List.of(1L, 2L));
				status.setRollbackOnly();
			});
			assertThat(redis.commands().exists(KEY)).isZero();
			catalog.findAll(List.of(1L, 2L));
			assertThat(catalog.bulkCalls()).hasSize(2);
			assertThat(redis.commands().exists(KEY)).isOne();
		});
	}

}
