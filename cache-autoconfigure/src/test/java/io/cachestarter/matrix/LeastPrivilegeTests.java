package io.cachestarter.matrix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterCacheMetricsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterHealthAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterMetricsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.health.CacheStarterHealthIndicator;
import io.cachestarter.matrix.CapabilityMatrixTests.ShopConfiguration;
import io.cachestarter.matrix.Topology.Redis;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

/**
 * The least-privilege ACL rule over TLS: what it grants and denies (the capabilities themselves run under it in the
 * {@link CapabilityMatrixTests}), and how the starter degrades when a user lacks the one {@code @dangerous} command
 * the rule grants ({@code INFO}): it says so once in the log and in the health warnings, and keeps caching.
 */
class LeastPrivilegeTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterMetricsAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterCacheMetricsAutoConfiguration.class, CacheStarterHealthAutoConfiguration.class))
		.withUserConfiguration(ShopConfiguration.class)
		.withBean(ShopDatabase.class, ShopDatabase::new)
		.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("spring.application.name=" + Topology.APPLICATION,
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.metrics.redis-sample-interval=100ms");

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "standalone", "Cluster" })
	@ExtendWith(OutputCaptureExtension.class)
	void withoutInfoTheGaugesAreOffTheHealthSaysWhyOnceAndCachingWorks(String topology, @TempDir Path dir,
			CapturedOutput output) {
		String withoutInfo = LeastPrivilege.RULE.replace(" +info", "");
		assertThat(withoutInfo).doesNotContain("info");
		Redis redis = topology.equals("Cluster") ? Topology.clusterOverTls(dir, withoutInfo)
				: Topology.standaloneOverTls(dir, withoutInfo);
		try {
			this.contextRunner.withPropertyValues(redis.properties().toArray(new String[0])).run((context) -> {
				assertThat(context).hasNotFailed();
				Shop shop = context.getBean(Shop.class);
				assertThat(shop.ttl(1)).isEqualTo("row-1");
				assertThat(redis.admin().get(Topology.APPLICATION + ":ttl:v1::1")).contains("row-1");

				CacheStarterHealthIndicator indicator = context.getBean(CacheStarterHealthIndicator.class);
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(warnings(indicator.health()))
					.singleElement(STRING)
					.startsWith("Redis denies INFO to this user")
					.contains("the cache.starter.redis.* gauges are off",
							"the eviction policy and the memory limit are not checked", "grant +info"));
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("maxmemoryPolicy", "unknown");

				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("cache.starter.redis.memory.used").gauge()).isNull();
				// Redis answered every sample (with NOPERM): that is no Redis failure, the breaker saw none.
				assertThat(context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker().getMetrics()
					.getNumberOfFailedCalls()).isZero();
				assertThat(shop.ttl(1)).isEqualTo("row-1");
				assertThat(context.getBean(ShopDatabase.class).reads()).as("the second call was a hit").isOne();
			});
			assertThat(output.toString().split("Redis denies INFO to this user \\(NOPERM\\)", -1))
				.as("warnings logged about INFO")
				.hasSize(2);
		}
		finally {
			redis.stop().run();
		}
	}

	@Test
	void theRuleGrantsKeysAndChannelsUnderThePrefixOnlyAndNoDangerousCommandButInfo(@TempDir Path dir)
			throws InterruptedException {
		Redis redis = Topology.standaloneOverTls(dir, LeastPrivilege.RULE);
		String url = redis.properties()
			.stream()
			.filter((property) -> property.startsWith("spring.data.redis.url="))
			.findFirst()
			.orElseThrow()
			.substring("spring.data.redis.url=".length());
		RedisClient client = RedisClient.create(RedisURI.create(url));
		client.setOptions(ClientOptions.builder()
			.sslOptions(SslOptions.builder().trustManager(dir.resolve("cert.pem").toFile()).build())
			.build());
		try {
			RedisCommands<String, String> user = client.connect().sync();
			assertThat(user.set("shop:anything", "v")).isEqualTo("OK");
			assertThat(user.info("memory")).contains("maxmemory_policy:");
			assertThat(user.scan()).isNotNull();
			assertDenied(() -> user.set("other:anything", "v"));
			assertDenied(() -> user.keys("shop:*"));
			assertDenied(() -> user.flushall());
			assertDenied(() -> user.configGet("maxmemory"));
			assertDenied(() -> user.clientList());

			// The L1 near cache will send invalidations on channels under the key prefix.
			BlockingQueue<String> received = new LinkedBlockingQueue<>();
			StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
			subscriber.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					received.add(channel + "=" + message);
				}

				@Override
				public void smessage(String shardChannel, String message) {
					received.add(shardChannel + "=" + message);
				}

			});
			subscriber.sync().subscribe("shop:l1:products");
			subscriber.sync().ssubscribe("shop:l1:sharded");
			assertThat(subscriber.sync().ping()).isEqualTo("PONG");
			user.publish("shop:l1:products", "42");
			user.spublish("shop:l1:sharded", "43");
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("shop:l1:products=42");
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("shop:l1:sharded=43");
			assertDenied(() -> user.publish("other:l1:products", "1"));
			assertDenied(() -> subscriber.sync().subscribe("other:l1:products"));
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			redis.stop().run();
		}
	}

	private static void assertDenied(Runnable command) {
		assertThatExceptionOfType(RedisCommandExecutionException.class).isThrownBy(command::run)
			.withMessageContaining("NOPERM");
	}

	@SuppressWarnings("unchecked")
	private static List<String> warnings(Health health) {
		return (List<String>) health.getDetails().get("warnings");
	}

}
