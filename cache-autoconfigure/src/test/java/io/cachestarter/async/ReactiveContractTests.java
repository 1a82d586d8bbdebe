package io.cachestarter.async;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The reactive side of Spring's caching contract, as Spring Framework's reactive caching tests exercise it, on a
 * real Redis: a failed future or publisher caches nothing, {@code @CachePut} and {@code @CacheEvict} on reactive
 * methods act once the result completes, and a {@code Flux} is replayed in full.
 */
class ReactiveContractTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(ReactiveConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop");

	@Test
	void failedFutureCachesNothingAndTheNextCallRunsTheMethod() {
		run((service) -> {
			assertThat(service.futureFailingOnce("f")).failsWithin(DEADLINE)
				.withThrowableThat()
				.havingRootCause()
				.isInstanceOf(IllegalStateException.class);
			assertThat(redis.commands().exists("shop:reactive:v1::f")).isZero();
			long value = service.futureFailingOnce("f").join();
			assertThat(service.futureFailingOnce("f").join()).isEqualTo(value);
			assertThat(redis.commands().exists("shop:reactive:v1::f")).isOne();
		});
	}

	@Test
	void failedMonoCachesNothingAndTheNextCallRunsTheMethod() {
		run((service) -> {
			assertThatIllegalStateException().isThrownBy(() -> service.monoFailingOnce("m").block(DEADLINE));
			assertThat(redis.commands().exists("shop:reactive:v1::m")).isZero();
			long value = service.monoFailingOnce("m").block(DEADLINE);
			assertThat(service.monoFailingOnce("m").block(DEADLINE)).isEqualTo(value);
		});
	}

	@Test
	void fluxIsReplayedInFullFromRedis() {
		run((service) -> {
			List<Long> first = service.flux("x").collectList().block(DEADLINE);
			assertThat(first).hasSize(3);
			await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::x") == 1);
			assertThat(service.flux("x").collectList().block(DEADLINE)).isEqualTo(first);
		});
	}

	@Test
	void cachePutOfAMonoReplacesTheEntryOnceItCompletes() {
		run((service) -> {
			long cached = service.mono("p").block(DEADLINE);
			await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::p") == 1);
			long updated = service.updateMono("p").block(DEADLINE);
			assertThat(updated).isNotEqualTo(cached);
			await().atMost(DEADLINE).until(() -> redis.commands().get("shop:reactive:v1::p").contains(String.valueOf(updated)));
			assertThat(service.mono("p").block(DEADLINE)).isEqualTo(updated);
		});
	}

	@Test
	void cacheEvictOfAFutureRemovesTheEntryOnceItCompletes() {
		run((service) -> {
			long cached = service.future("e").join();
			await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::e") == 1);
			service.evictFuture("e").join();
			await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::e") == 0);
			assertThat(service.future("e").join()).isNotEqualTo(cached);
		});
	}

	@Test
	void unlessOnTheResultOfAMonoKeepsItOutOfTheCache() {
		run((service) -> {
			assertThat(service.monoUnlessLarge(20).block(DEADLINE)).isEqualTo(20);
			assertThat(service.monoUnlessLarge(5).block(DEADLINE)).isEqualTo(5);
			await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::5") == 1);
			assertThat(redis.commands().exists("shop:reactive:v1::20")).isZero();
		});
	}

	@Test
	void methodOfAMissNeverRunsOnAnEventLoopWhatAnyEntrySize() {
		run((service) -> {
			for (int size : new int[] { 10, 20_000, 500_000 }) {
				String key = "size-" + size;
				service.sized(key, size).join();
				service.sizedSync(key + "-sync", size).join();
				await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::" + key) == 1);
				// Evicted, so the next calls miss after a round trip: Spring runs the method on the completing thread.
				service.evictFuture(key).join();
				service.evictFuture(key + "-sync").join();
				await().atMost(DEADLINE).until(() -> redis.commands().exists("shop:reactive:v1::" + key) == 0);
				service.sized(key, size).join();
				service.sizedSync(key + "-sync", size).join();
				assertThat(service.sized(key, size).join()).hasSize(size);
			}
			assertThat(service.methodThreads()).hasSize(12).noneMatch((thread) -> thread.startsWith("lettuce-"));
		});
	}

	private void run(ServiceAssertions assertions) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertions.accept(context.getBean(ReactiveService.class));
		});
	}

	@FunctionalInterface
	private interface ServiceAssertions {

		void accept(ReactiveService service) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ReactiveConfiguration {

		@Bean
		ReactiveService reactiveService() {
			return new ReactiveService();
		}

	}

	@CacheConfig(cacheNames = "reactive")
	static class ReactiveService {

		private final AtomicLong counter = new AtomicLong();

		private final Queue<String> methodThreads = new ConcurrentLinkedQueue<>();

		/** The threads the cached methods ran on: a field of the proxy would be empty. */
		Queue<String> methodThreads() {
			return this.methodThreads;
		}

		@Cacheable
		public CompletableFuture<Long> future(String key) {
			return CompletableFuture.supplyAsync(this.counter::incrementAndGet);
		}

		@Cacheable
		public CompletableFuture<Long> futureFailingOnce(String key) {
			long call = this.counter.incrementAndGet();
			return (call == 1) ? CompletableFuture.failedFuture(new IllegalStateException("first call fails"))
					: CompletableFuture.completedFuture(call);
		}

		@Cacheable
		public Mono<Long> mono(String key) {
			return Mono.fromSupplier(this.counter::incrementAndGet);
		}

		@Cacheable
		public Mono<Long> monoFailingOnce(String key) {
			return Mono.fromSupplier(this.counter::incrementAndGet)
				.flatMap((call) -> (call == 1) ? Mono.error(new IllegalStateException("first call fails"))
						: Mono.just(call));
		}

		@Cacheable(unless = "#result > 10")
		public Mono<Integer> monoUnlessLarge(int key) {
			return Mono.just(key);
		}

		@Cacheable
		public Flux<Long> flux(String key) {
			return Flux.range(0, 3).map((i) -> this.counter.incrementAndGet());
		}

		@Cacheable(key = "#p0")
		public CompletableFuture<String> sized(String key, int size) {
			this.methodThreads.add(Thread.currentThread().getName());
			return CompletableFuture.completedFuture("x".repeat(size));
		}

		@Cacheable(key = "#p0", sync = true)
		public CompletableFuture<String> sizedSync(String key, int size) {
			this.methodThreads.add(Thread.currentThread().getName());
			return CompletableFuture.completedFuture("x".repeat(size));
		}

		@CachePut
		public Mono<Long> updateMono(String key) {
			return Mono.fromSupplier(this.counter::incrementAndGet);
		}

		@CacheEvict
		public CompletableFuture<Void> evictFuture(String key) {
			return CompletableFuture.runAsync(() -> {
			});
		}

	}

}
