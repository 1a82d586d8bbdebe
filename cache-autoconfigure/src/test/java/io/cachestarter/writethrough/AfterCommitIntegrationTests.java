package io.cachestarter.writethrough;

import java.math.BigDecimal;
import java.util.List;

import io.cachestarter.CacheTags;
import io.cachestarter.InvalidateTags;
import io.cachestarter.WriteThrough;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterWriteThroughAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @WriteThrough}, {@code @InvalidateTags}, {@code @CachePut} and {@code @CacheEvict} inside transactions of a
 * real {@code DataSourceTransactionManager} over H2: nothing reaches Redis before commit, everything after it,
 * nothing on rollback.
 */
class AfterCommitIntegrationTests {

	private static final String KEY = "shop:products:v1::1";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterWriteThroughAutoConfiguration.class))
		.withUserConfiguration(RepositoryConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void writeThroughWritesAfterCommitAndNotBefore() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				repository.save(product(1, "kettle", 3));
				assertThat(redis.commands().exists(KEY)).as("inside the transaction").isZero();
			});
			assertThat(versionInRedis(KEY)).isEqualTo(3);
			assertThat(redis.commands().get(KEY)).contains("\"kettle\"");
			assertThat(repository.find(1).name()).isEqualTo("kettle");
			assertThat(repository.loads()).as("served from the written entry").isZero();
		});
	}

	@Test
	void writeThroughWritesNothingWhenTheTransactionRollsBack() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			repository.save(product(1, "kettle", 1));
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				repository.save(product(1, "steel kettle", 2));
				status.setRollbackOnly();
			});
			assertThat(versionInRedis(KEY)).isOne();
			assertThat(repository.find(1).name()).isEqualTo("kettle");
		});
	}

	@Test
	void writeThroughRunsInsideTheMethodsOwnTransactionAndSeesItsSilentRollback() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			repository.saveButRollBack(product(1, "kettle", 1));
			assertThat(redis.commands().exists(KEY)).isZero();
			assertThat(repository.count()).isZero();
		});
	}

	@Test
	void writeThroughWritesNothingWhenTheMethodThrows() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			assertThatIllegalStateException().isThrownBy(() -> repository.saveAndFail(product(1, "kettle", 1)));
			assertThat(redis.commands().exists(KEY)).isZero();
			assertThat(repository.count()).isZero();
		});
	}

	@Test
	void invalidateTagsActsAfterCommitAndNotOnRollback() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			repository.insert(product(1, "kettle", 1));
			repository.find(1);
			RedisCommands<String, String> commands = redis.commands();
			assertThat(commands.smembers("shop:tag:category:kitchen")).containsExactly(KEY);

			transaction.executeWithoutResult((status) -> {
				repository.rename(1, "steel kettle");
				status.setRollbackOnly();
			});
			assertThat(commands.exists(KEY)).as("after rollback").isOne();
			assertThat(commands.smembers("shop:tag:category:kitchen")).containsExactly(KEY);

			transaction.executeWithoutResult((status) -> {
				repository.rename(1, "steel kettle");
				assertThat(commands.exists(KEY)).as("inside the transaction").isOne();
			});
			assertThat(commands.exists(KEY, "shop:tag:category:kitchen")).as("after commit").isZero();
			assertThat(repository.find(1).name()).isEqualTo("steel kettle");
		});
	}

	@Test
	void cachePutAndCacheEvictTakeEffectAfterCommitAndNotOnRollback() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			repository.insert(product(1, "kettle", 1));
			repository.find(1);
			RedisCommands<String, String> commands = redis.commands();

			transaction.executeWithoutResult((status) -> {
				repository.put(product(1, "steel kettle", 2));
				status.setRollbackOnly();
			});
			assertThat(commands.get(KEY)).contains("\"kettle\"");

			transaction.executeWithoutResult((status) -> {
				repository.put(product(1, "steel kettle", 2));
				assertThat(commands.get(KEY)).as("inside the transaction").contains("\"kettle\"");
			});
			assertThat(commands.get(KEY)).contains("\"steel kettle\"");
			assertThat(commands.smembers("shop:tag:category:kitchen")).containsExactly(KEY);

			transaction.executeWithoutResult((status) -> {
				repository.evict(1);
				assertThat(commands.exists(KEY)).as("inside the transaction").isOne();
			});
			assertThat(commands.exists(KEY)).isZero();
		});
	}

	@Test
	void cacheableInsideATransactionTagsItsEntryWhenItIsWrittenAfterCommit() {
		this.contextRunner.run((context) -> {
			Repository repository = context.getBean(Repository.class);
			repository.insert(product(1, "kettle", 1));
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				repository.find(1);
				assertThat(redis.commands().exists(KEY)).as("inside the transaction").isZero();
			});
			assertThat(redis.commands().exists(KEY)).isOne();
			assertThat(redis.commands().smembers("shop:tag:category:kitchen")).containsExactly(KEY);
		});
	}

	static Product product(long id, String name, long version) {
		return new Product(id, name, "kitchen", new BigDecimal("9.99"), version, List.of());
	}

	static long versionInRedis(String key) {
		return versionInRedis(redis.commands(), key);
	}

	/** The version in the header of a stored entry ({@code CS1|createdAt|ttl|version|type}). */
	static long versionInRedis(RedisCommands<String, String> commands, String key) {
		String stored = commands.get(key);
		assertThat(stored).as("entry %s", key).isNotNull();
		return Long.parseLong(stored.split("\\|")[3]);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class RepositoryConfiguration {

		@Bean
		Repository repository(JdbcTemplate jdbcTemplate) {
			return new Repository(jdbcTemplate);
		}

	}

	/** Products in H2, cached and written through. */
	static class Repository {

		private final JdbcTemplate jdbc;

		private int loads;

		Repository(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
			jdbc.execute("create table product (id bigint primary key, name varchar(200), category varchar(50), "
					+ "version bigint)");
		}

		public int loads() {
			return this.loads;
		}

		public long count() {
			return this.jdbc.queryForObject("select count(*) from product", Long.class);
		}

		public void insert(Product product) {
			this.jdbc.update("insert into product values (?, ?, ?, ?)", product.id(), product.name(),
					product.category(), product.version());
		}

		@Cacheable("products")
		@CacheTags("category:#{#result.category}")
		public Product find(long id) {
			this.loads++;
			return this.jdbc.queryForObject("select * from product where id = ?",
					(rs, row) -> new Product(rs.getLong("id"), rs.getString("name"), rs.getString("category"),
							new BigDecimal("9.99"), rs.getLong("version"), List.of()),
					id);
		}

		@Transactional
		@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
		public Product save(Product product) {
			this.jdbc.update("merge into product key (id) values (?, ?, ?, ?)", product.id(), product.name(),
					product.category(), product.version());
			return product;
		}

		@Transactional
		@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
		public Product saveButRollBack(Product product) {
			save(product);
			TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
			return product;
		}

		@Transactional
		@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
		public Product saveAndFail(Product product) {
			save(product);
			throw new IllegalStateException("constraint violated");
		}

		@Transactional
		@InvalidateTags("category:#{#result.category}")
		public Product rename(long id, String name) {
			this.jdbc.update("update product set name = ?, version = version + 1 where id = ?", name, id);
			return this.jdbc.queryForObject("select * from product where id = ?",
					(rs, row) -> new Product(rs.getLong("id"), rs.getString("name"), rs.getString("category"),
							new BigDecimal("9.99"), rs.getLong("version"), List.of()),
					id);
		}

		@Transactional
		@CachePut(cacheNames = "products", key = "#product.id")
		@CacheTags("category:#{#product.category}")
		public Product put(Product product) {
			return save(product);
		}

		@Transactional
		@CacheEvict("products")
		public void evict(long id) {
			this.jdbc.update("delete from product where id = ?", id);
		}

	}

}
