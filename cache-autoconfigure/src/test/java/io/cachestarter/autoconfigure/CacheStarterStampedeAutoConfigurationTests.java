package io.cachestarter.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.cachestarter.cache.AsyncLoadTask;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.LoadCoordinator;
import io.cachestarter.cache.LoadTask;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.cachestarter.stampede.LocalLoadCoordinator;
import io.cachestarter.stampede.RedisLoadCoordinator;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.CatalogService;
import io.cachestarter.testapp.Product;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link CacheStarterStampedeAutoConfiguration}: which coordinator the cache manager gets, and that the
 * distributed one sends its lock commands through the context's {@link RedisGuard}.
 */
class CacheStarterStampedeAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterStampedeAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void providesDistributedCoordinatorByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LoadCoordinator.class);
			assertThat(context.getBean(LoadCoordinator.class)).isInstanceOf(RedisLoadCoordinator.class);
			assertThat(context).hasSingleBean(StarterCacheManager.class);
		});
	}

	@Test
	void fallsBackToJvmLocalSingleFlightWhenDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.stampede.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(LoadCoordinator.class);
			assertThat(context.getBean(LoadCoordinator.class)).isExactlyInstanceOf(LocalLoadCoordinator.class);
		});
	}

	@Test
	void backsOffWhenCacheStarterIsDisabled() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues("cache-starter.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(LoadCoordinator.class);
			});
	}

	@Test
	void userCoordinatorWins() {
		this.contextRunner.withUserConfiguration(UserCoordinatorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LoadCoordinator.class);
			assertThat(context.getBean(LoadCoordinator.class)).isSameAs(UserCoordinatorConfiguration.COORDINATOR);
		});
	}

	@Test
	void lockKeysUseTheApplicationNameAsPrefix() {
		this.contextRunner.withPropertyValues("spring.application.name=shop").run((context) -> {
			RedisLoadCoordinator coordinator = (RedisLoadCoordinator) context.getBean(LoadCoordinator.class);
			assertThat(coordinator).extracting("keyPrefix").isEqualTo("shop:");
		});
	}

	@Test
	void subMillisecondLeaseFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("cache-starter.stampede.lock-lease=500us").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidCacheStarterPropertyFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'cache-starter.stampede.lock-lease'")
				.contains("must be at least 1ms");
		});
	}

	@Test
	void lockCommandsGoThroughTheContextsGuardEvenWhenItDependsOnTheCacheManager() {
		this.contextRunner.withUserConfiguration(RecordingGuardConfiguration.class)
			.withPropertyValues("spring.data.redis.url=" + redis.uri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CatalogService service = context.getBean(CatalogService.class);
				service.save(Product.of(1, "one"));
				assertThat(service.findSync(1)).isEqualTo(Product.of(1, "one"));
				RecordingGuard guard = context.getBean(RecordingGuard.class);
				// Taken and released around the load.
				assertThat(guard.operations).filteredOn(RedisOperation.LOCK::equals).hasSize(2);
				assertThat(guard.cacheManager.getIfAvailable()).isNotNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCoordinatorConfiguration {

		static final LoadCoordinator COORDINATOR = new LoadCoordinator() {

			@Override
			public @Nullable Object load(LoadTask task) throws Exception {
				return task.loadAndStore();
			}

			@Override
			public CompletableFuture<@Nullable Object> loadAsync(AsyncLoadTask task) {
				return task.loadAndStoreAsync();
			}

			@Override
			public void refresh(LoadTask task) {
			}

		};

		@Bean
		LoadCoordinator userCoordinator() {
			return COORDINATOR;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingGuardConfiguration {

		@Bean
		RecordingGuard recordingGuard(ObjectProvider<StarterCacheManager> cacheManager) {
			return new RecordingGuard(cacheManager);
		}

	}

	/** A guard that, like a replaying guard, needs the cache manager (lazily), and records every operation. */
	static class RecordingGuard implements RedisGuard {

		final List<RedisOperation> operations = new CopyOnWriteArrayList<>();

		final ObjectProvider<StarterCacheManager> cacheManager;

		private final RedisGuard delegate = new FailSafeRedisGuard(CacheStarterMetrics.noop());

		RecordingGuard(ObjectProvider<StarterCacheManager> cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public <T> T call(String cache, RedisOperation operation, Supplier<T> action, Supplier<T> fallback) {
			this.operations.add(operation);
			return this.delegate.call(cache, operation, action, fallback);
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String cache, RedisOperation operation,
				Supplier<? extends CompletionStage<T>> action, Supplier<T> fallback) {
			this.operations.add(operation);
			return this.delegate.callAsync(cache, operation, action, fallback);
		}

		@Override
		public boolean remove(String cache, RedisOperation operation, Runnable removal) {
			this.operations.add(operation);
			return this.delegate.remove(cache, operation, removal);
		}

		@Override
		public boolean isAvailable() {
			return true;
		}

	}

}
