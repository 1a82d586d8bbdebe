package io.cachestarter.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.cachestarter.redis.CacheStore;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.cachestarter.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisServerMetrics} against a real Redis with a memory limit and an eviction policy.
 */
class RedisServerMetricsTests {

	private static final long MAX_MEMORY = 64L * 1024 * 1024;

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension("--maxmemory", "64mb", "--maxmemory-policy",
			"allkeys-lru");

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerCacheStarterMetrics starterMetrics = new MicrometerCacheStarterMetrics(this.registry);

	private LettuceConnectionFactory connectionFactory;

	private RedisServerMetrics metrics;

	@BeforeEach
	void createSampler() {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofMillis(300))
			.build();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.port()), client);
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.metrics = new RedisServerMetrics(new CacheStore(this.connectionFactory),
				new FailSafeRedisGuard(this.starterMetrics), this.registry, Duration.ofMillis(50));
	}

	@AfterEach
	void closeSampler() {
		this.metrics.stop();
		this.connectionFactory.destroy();
	}

	@Test
	void publishesServerGaugesAfterOneSample() {
		redis.commands().set("present", "1");
		redis.commands().get("present");
		redis.commands().get("absent");
		assertThat(this.registry.find("cache.starter.redis.memory.used").gauge()).isNull();
		this.metrics.sample();
		assertThat(gauge("cache.starter.redis.memory.used")).isPositive();
		assertThat(gauge("cache.starter.redis.memory.max")).isEqualTo(MAX_MEMORY);
		assertThat(gauge("cache.starter.redis.evicted.keys")).isZero();
		assertThat(gauge("cache.starter.redis.keyspace.hits")).isGreaterThanOrEqualTo(1);
		assertThat(gauge("cache.starter.redis.keyspace.misses")).isGreaterThanOrEqualTo(1);
		assertThat(gauge("cache.starter.redis.clients")).isGreaterThanOrEqualTo(2); // the test's and the sampler's
		Gauge policy = this.registry.get("cache.starter.redis.maxmemory.policy").gauge();
		assertThat(policy.getId().getTag("policy")).isEqualTo("allkeys-lru");
		assertThat(policy.value()).isEqualTo(1);
	}

	@Test
	void followsChangesOfTheServerAtTheNextSample() {
		this.metrics.sample();
		double hits = gauge("cache.starter.redis.keyspace.hits");
		redis.commands().set("present", "1");
		redis.commands().get("present");
		redis.commands().configSet("maxmemory-policy", "volatile-ttl");
		try {
			this.metrics.sample();
			assertThat(gauge("cache.starter.redis.keyspace.hits")).isEqualTo(hits + 1);
			assertThat(this.registry.get("cache.starter.redis.maxmemory.policy").gauges()).singleElement()
				.satisfies((gauge) -> assertThat(gauge.getId().getTag("policy")).isEqualTo("volatile-ttl"));
		}
		finally {
			redis.commands().configSet("maxmemory-policy", "allkeys-lru");
		}
	}

	@Test
	void reportsNaNAndNoPolicyWhileRedisIsDownWithoutThrowing() {
		this.metrics.sample();
		redis.server().kill();
		assertThatNoException().isThrownBy(this.metrics::sample);
		assertThat(gauge("cache.starter.redis.memory.used")).isNaN();
		assertThat(gauge("cache.starter.redis.memory.max")).isNaN();
		assertThat(this.registry.find("cache.starter.redis.maxmemory.policy").gauge()).isNull();
		assertThat(this.registry.find("cache.starter.fallbacks").tag("cache", "").counters()).isNotEmpty();
		redis.server().restart();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			this.metrics.sample();
			assertThat(gauge("cache.starter.redis.memory.max")).isEqualTo(MAX_MEMORY);
		});
		assertThat(this.registry.get("cache.starter.redis.maxmemory.policy").gauge().getId().getTag("policy"))
			.isEqualTo("allkeys-lru");
	}

	@Test
	void samplesOnOneDaemonThreadUntilStopped() throws InterruptedException {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.ping(); // Lettuce's own threads start now, outside the group below
		}
		ThreadGroup group = new ThreadGroup("redis-metrics-test");
		// The scheduler's thread is created by the thread that starts it, and so joins its group.
		Thread starter = new Thread(group, this.metrics::start);
		starter.start();
		starter.join();
		assertThat(this.metrics.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.registry.find("cache.starter.redis.memory.used").gauge()).isNotNull());
		assertThat(samplerThreads(group)).singleElement().satisfies((thread) -> assertThat(thread.isDaemon()).isTrue());
		this.metrics.stop();
		assertThat(this.metrics.isRunning()).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> samplerThreads(group).isEmpty());
	}

	private static List<Thread> samplerThreads(ThreadGroup group) {
		Thread[] threads = new Thread[group.activeCount() + 8];
		int count = group.enumerate(threads);
		return Arrays.stream(threads, 0, count)
			.filter((thread) -> thread.isAlive() && thread.getName().equals("cache-starter-redis-metrics"))
			.toList();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

}
