package io.cachestarter.stampede;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;
import io.cachestarter.stampede.Crowd.Outcome;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.RecordingMetrics;
import io.lettuce.core.SetArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Single flight of {@code @Cacheable(sync = true)} misses within one instance and across instances (two application
 * contexts on one real Redis), and what happens when the loading caller fails, dies or hangs.
 */
class DistributedSingleFlightTests {

	private static final Duration LOAD_TIME = Duration.ofMillis(250);

	private static final Duration WAIT_TIMEOUT = Duration.ofMillis(1500);

	/** Scheduling slack on a busy 2-core machine, on top of what a call may take by design. */
	private static final Duration SLACK = Duration.ofMillis(1500);

	private static final String ENTRY = "app:hot:v1::k";

	private static final String LOCK = "app:lock:hot:v1::k";

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final SlowDatabase database = new SlowDatabase(LOAD_TIME);

	private ApplicationContextRunner instance() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class))
			.withUserConfiguration(HotServiceConfiguration.class)
			.withBean(SlowDatabase.class, () -> this.database)
			.withBean(RecordingMetrics.class, RecordingMetrics::new)
			.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.data.redis.timeout=3s",
					"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.key-prefix=app:",
					"cache-starter.stampede.wait-timeout=" + WAIT_TIMEOUT.toMillis() + "ms",
					"cache-starter.stampede.lock-lease=5s");
	}

	@Test
	void sixtyFourThreadsOnOneMissingKeyRunTheMethodOnce() {
		instance().run((context) -> {
			HotService service = context.getBean(HotService.class);
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(64)) {
				outcomes = crowd.start(64, (i) -> () -> service.find("k")).await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).hasSize(64).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			assertThat(this.database.loads()).isEqualTo(1);
			assertThat(redis.commands().get(ENTRY)).contains("v1:k");
			assertThat(redis.commands().exists(LOCK)).as("lock released after the load").isZero();
			assertThat(waits(context)).isPositive();
		});
	}

	@Test
	void twoInstancesWithThirtyTwoThreadsEachRunTheMethodOnceInTotal() {
		instance().run((first) -> instance().run((second) -> {
			List<HotService> services = List.of(first.getBean(HotService.class), second.getBean(HotService.class));
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(64)) {
				outcomes = crowd.start(64, (i) -> () -> services.get(i % 2).find("k")).await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).hasSize(64).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			assertThat(this.database.loads()).isEqualTo(1);
			assertThat(waits(first) + waits(second)).isPositive();
			assertThat(redis.commands().exists(LOCK)).isZero();
		}));
	}

	@Test
	void anotherCallerTakesOverWhenTheLoaderThrows() {
		this.database.failNext(1);
		instance().run((first) -> instance().run((second) -> {
			List<HotService> services = List.of(first.getBean(HotService.class), second.getBean(HotService.class));
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(64)) {
				outcomes = crowd.start(64, (i) -> () -> services.get(i % 2).find("k")).await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).filteredOn((outcome) -> outcome.failure() != null)
				.singleElement()
				.satisfies((outcome) -> assertThat(outcome.failure()).isInstanceOf(IllegalStateException.class)
					.hasMessage("database failure"));
			assertThat(outcomes).filteredOn((outcome) -> outcome.failure() == null)
				.hasSize(63)
				.allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			assertThat(this.database.loads()).as("the failed load and one takeover").isEqualTo(2);
			assertThat(outcomes).allSatisfy((outcome) -> assertThat(outcome.took()).isLessThan(waitBound()));
			assertThat(redis.commands().get(ENTRY)).contains("v1:k");
		}));
	}

	@Test
	void waitersTakeOverWhenTheLockHolderDiesWithoutWriting() {
		// An instance took the lock and died: its lock lives out its (short) lease, no value ever comes.
		redis.commands().set(LOCK, "instance-that-died", SetArgs.Builder.px(700));
		instance().run((first) -> instance().run((second) -> {
			List<HotService> services = List.of(first.getBean(HotService.class), second.getBean(HotService.class));
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(64)) {
				outcomes = crowd.start(64, (i) -> () -> services.get(i % 2).find("k")).await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).hasSize(64).allSatisfy((outcome) -> {
				assertThat(outcome.value()).isEqualTo("v1:k");
				assertThat(outcome.took()).isLessThan(waitBound());
			});
			assertThat(this.database.loads()).isEqualTo(1);
			assertThat(waits(first) + waits(second)).isPositive();
		}));
	}

	@Test
	void callersLoadThemselvesOncePerInstanceWhenALockOutlivesTheWaitTimeout() {
		// A holder that hangs (or died with a long lease): nobody waits for it longer than the wait-timeout.
		redis.commands().set(LOCK, "hung-instance", SetArgs.Builder.px(60_000));
		instance().run((first) -> instance().run((second) -> {
			List<HotService> services = List.of(first.getBean(HotService.class), second.getBean(HotService.class));
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(32)) {
				crowd.start(32, (i) -> () -> services.get(i % 2).find("k"));
				// Nobody loads while the lock is held, until the wait-timeout.
				await().during(WAIT_TIMEOUT.minusMillis(300)).atMost(WAIT_TIMEOUT)
					.until(() -> this.database.loads() == 0);
				outcomes = crowd.await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).hasSize(32).allSatisfy((outcome) -> {
				assertThat(outcome.value()).isEqualTo("v1:k");
				assertThat(outcome.took()).isLessThan(waitBound());
			});
			assertThat(this.database.loads()).as("at most one load per instance").isBetween(1, 2);
			assertThat(redis.commands().get(LOCK)).as("another owner's lock is never deleted").isEqualTo("hung-instance");
		}));
	}

	@Test
	void waitersOfAnotherInstanceTakeOverWhenTheHolderIsInterrupted() {
		CountDownLatch neverReleased = this.database.holdNext("k");
		instance().run((first) -> instance().run((second) -> {
			CompletableFuture<Object> holder = callAsync(first.getBean(HotService.class), "k");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads("k") == 1);
			Thread holderThread = this.database.loaders().peek();
			HotService waiting = second.getBean(HotService.class);
			try (Crowd crowd = new Crowd(16)) {
				crowd.start(16, (i) -> () -> waiting.find("k"));
				await().atMost(Duration.ofSeconds(5)).until(() -> waits(second) > 0);
				// While the holder is alive, the other instance waits for it rather than loading.
				await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
					.until(() -> this.database.loads() == 1);
				holderThread.interrupt();
				List<Outcome> outcomes = crowd.await(Duration.ofSeconds(20));
				assertThat(outcomes).hasSize(16).allSatisfy((outcome) -> {
					assertThat(outcome.value()).isEqualTo("v1:k");
					assertThat(outcome.took()).isLessThan(waitBound());
				});
			}
			assertThat(holder).failsWithin(Duration.ofSeconds(5));
			assertThat(this.database.loads()).as("the interrupted load and one takeover").isEqualTo(2);
			assertThat(neverReleased.getCount()).isOne();
		}));
	}

	@Test
	void callersOfTheSameInstanceTakeOverFromAHungLoadAfterTheWaitTimeout() {
		CountDownLatch hung = this.database.holdNext("k");
		instance().run((context) -> {
			HotService service = context.getBean(HotService.class);
			CompletableFuture<Object> holder = callAsync(service, "k");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads("k") == 1);
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(16)) {
				crowd.start(16, (i) -> () -> service.find("k"));
				// They wait for the hung load until the wait-timeout, then one of them takes over.
				await().during(WAIT_TIMEOUT.minusMillis(300)).atMost(WAIT_TIMEOUT)
					.until(() -> this.database.loads() == 1);
				outcomes = crowd.await(Duration.ofSeconds(20));
			}
			assertThat(outcomes).hasSize(16).allSatisfy((outcome) -> {
				assertThat(outcome.value()).isEqualTo("v1:k");
				assertThat(outcome.took()).isLessThan(waitBound());
			});
			assertThat(this.database.loads()).as("the hung load and one takeover").isEqualTo(2);
			assertThat(holder).isNotDone();
			hung.countDown();
			assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("v1:k");
		});
	}

	@Test
	void lockKeyCarriesItsLeaseAsTtlWhileHeldAndIsGoneAfterTheLoad() {
		CountDownLatch release = this.database.holdNext("k");
		instance().run((context) -> {
			CompletableFuture<Object> load = callAsync(context.getBean(HotService.class), "k");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads("k") == 1);
			assertThat(redis.commands().pttl(LOCK)).isBetween(1L, 5_000L);
			release.countDown();
			assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("v1:k");
			assertThat(redis.commands().exists(LOCK)).isZero();
			assertThat(redis.commands().pttl(ENTRY)).isPositive();
		});
	}

	@Test
	void slowLoadOfOneKeyDoesNotDelayAnotherKey() {
		CountDownLatch releaseA = this.database.holdNext("a");
		instance().run((first) -> instance().run((second) -> {
			CompletableFuture<Object> slowA = callAsync(first.getBean(HotService.class), "a");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads("a") == 1);
			assertThat(callAsync(first.getBean(HotService.class), "b").get(10, TimeUnit.SECONDS)).isEqualTo("v1:b");
			assertThat(callAsync(second.getBean(HotService.class), "c").get(10, TimeUnit.SECONDS)).isEqualTo("v1:c");
			assertThat(slowA).as("key a still loading while b and c were loaded").isNotDone();
			releaseA.countDown();
			assertThat(slowA.get(10, TimeUnit.SECONDS)).isEqualTo("v1:a");
			assertThat(this.database.loads()).isEqualTo(3);
		}));
	}

	@Test
	void loadsWithoutWaitingForALockWhenRedisIsDown() {
		instance().run((context) -> {
			HotService service = context.getBean(HotService.class);
			redis.server().kill();
			List<Outcome> outcomes;
			try (Crowd crowd = new Crowd(8)) {
				outcomes = crowd.start(8, (i) -> () -> service.find("k")).await(Duration.ofSeconds(30));
			}
			assertThat(outcomes).hasSize(8).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			RecordingMetrics metrics = context.getBean(RecordingMetrics.class);
			assertThat(metrics.count("fallback:hot:error") + metrics.count("fallback:hot:timeout")).isPositive();
		});
	}

	private Duration waitBound() {
		return WAIT_TIMEOUT.plus(LOAD_TIME).plus(SLACK);
	}

	private static long waits(AssertableApplicationContext context) {
		return context.getBean(RecordingMetrics.class).count("stampede.wait:hot");
	}

	private static CompletableFuture<Object> callAsync(HotService service, String key) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		Thread caller = new Thread(() -> {
			try {
				result.complete(service.find(key));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "caller-" + key);
		caller.setDaemon(true);
		caller.start();
		return result;
	}

}
