package io.cachestarter.benchmarks.metrics;

import java.util.concurrent.TimeUnit;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterCacheMetricsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterMetricsAutoConfiguration;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cost of the meters on a cache hit: one {@code Cache.get} of a cached key through the starter's cache, against
 * a local redis-server, with the starter's meters on (a Prometheus registry: {@code cache.starter.latency} with
 * percentiles, Spring Boot's cache meters, the Redis gauges) or off ({@code cache-starter.metrics.enabled=false}).
 * The exact statistics behind {@code cache.gets} and the endpoint are kept in both cases.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar CacheHitMetricsBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class CacheHitMetricsBenchmark {

	@Param({ "off", "on" })
	public String metrics;

	private RedisServer redis;

	private ConfigurableApplicationContext context;

	private Cache cache;

	@Setup(Level.Trial)
	public void start() {
		this.redis = RedisServer.start();
		this.context = new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.data.redis.url=" + this.redis.uri(), "cache-starter.metrics.enabled=" + "on".equals(this.metrics),
					"cache-starter.caches.products.ttl=1h")
			.run();
		this.cache = this.context.getBean(StarterCacheManager.class).getCache("products");
		this.cache.put("hot", "a cached value of a realistic, short length");
		if (this.cache.get("hot") == null) {
			throw new IllegalStateException("The benchmark key is not cached");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
		this.redis.close();
	}

	@Benchmark
	public Object hit() {
		return this.cache.get("hot");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, CacheStarterMetricsAutoConfiguration.class,
			CacheStarterAutoConfiguration.class, CacheStarterCacheMetricsAutoConfiguration.class })
	public static class BenchmarkApplication {

		@Bean
		PrometheusMeterRegistry meterRegistry() {
			return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		}

	}

}
