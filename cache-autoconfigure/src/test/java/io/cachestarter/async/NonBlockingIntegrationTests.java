package io.cachestarter.async;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cachestarter.async.AsyncCachingIntegrationTests.Read;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.cachestarter.async.AsyncCachingIntegrationTests.product;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asynchronous face never blocks a Netty or Reactor non-blocking thread, proved with BlockHound: every blocking
 * call made on such a thread while the starter serves misses, hits, single-flight waits, tagged loads and the puts
 * that Spring makes on the thread a reactive method emits on, is recorded, and none may be.
 * <p>
 * BlockHound instruments the JVM for good, so this class runs in a JVM of its own (the {@code blockhound} group).
 */
@Tag("blockhound")
class NonBlockingIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final List<String> blockingCalls = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
				CacheStarterResilienceAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(ReactiveCatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@BeforeAll
	static void installBlockHound() {
		// Reactor's and Netty's integrations mark their non-blocking threads; Lettuce's allows its own internals.
		BlockHound.builder().loadIntegrations().blockingMethodCallback((method) -> blockingCalls.add(method + " on "
				+ Thread.currentThread().getName() + Arrays.stream(new Throwable().getStackTrace())
					.limit(40)
					.map((frame) -> "\n\tat " + frame)
					.collect(Collectors.joining())))
			.install();
	}

	@BeforeEach
	void forgetEarlierCalls() {
		blockingCalls.clear();
	}

	@Test
	void blockHoundRecordsABlockingCallOnANonBlockingThread() {
		Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5));
		assertThat(blockingCalls).isNotEmpty();
	}

	@Test
	void asynchronousCachingMakesNoBlockingCallOnANonBlockingThread() {
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			ReactiveCatalog a = first.getBean(ReactiveCatalog.class);
			ReactiveCatalog b = second.getBean(ReactiveCatalog.class);
			for (ReactiveCatalog catalog : List.of(a, b)) {
				for (long id = 1; id <= 3; id++) {
					catalog.save(product(id, "books"));
				}
			}
			for (Read read : Read.values()) {
				long id = read.ordinal() % 3 + 1;
				read.call(a, id);
				read.call(a, id);
				read.call(b, id);
			}
			// Single-flight waits across two instances, on a key nobody has loaded yet.
			a.latency(Duration.ofMillis(100));
			b.latency(Duration.ofMillis(100));
			for (ReactiveCatalog catalog : List.of(a, b)) {
				catalog.save(product(9, "tools"));
				catalog.save(product(10, "garden"));
			}
			List<CompletableFuture<Object>> calls = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				calls.add(Read.MONO_SYNC.start(a, 9));
				calls.add(Read.FUTURE_SYNC.start(b, 9));
			}
			for (CompletableFuture<Object> call : calls) {
				call.get(10, TimeUnit.SECONDS);
			}
			// Tagged loads: the tags' own Redis calls must run off the event loops.
			a.taggedFlux("garden").collectList().block(Duration.ofSeconds(5));
			a.taggedMonoSync("tools").block(Duration.ofSeconds(5));
			a.taggedFuture(1).join();
			assertThat(redis.commands().exists("shop:tag:category:garden", "shop:tag:category:tools")).isEqualTo(2);
		}));
		assertThat(blockingCalls).isEmpty();
	}

	@Test
	void redisFailuresMakeNoBlockingCallOnANonBlockingThread() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			catalog.save(product(1, "books"));
			redis.server().kill();
			for (int round = 0; round < 3; round++) {
				for (Read read : Read.values()) {
					read.call(catalog, 1);
				}
			}
		});
		assertThat(blockingCalls).isEmpty();
	}

}
