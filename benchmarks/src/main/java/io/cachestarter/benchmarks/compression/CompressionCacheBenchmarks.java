package io.cachestarter.benchmarks.compression;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A hit and a put through the cache-starter {@code @Cacheable} / {@code @CachePut} proxy with compression on and
 * off, for a page of catalog products of about 1 KB, 10 KB and 100 KB of JSON, in one context against one
 * redis-server. Cache {@code on} compresses every value ({@code threshold=1B}, so the 1 KB row shows what compressing
 * small values would cost); cache {@code off} does not. Each trial prints what its entries take in Redis
 * ({@code STRLEN} and {@code MEMORY USAGE}).
 * <p>
 * Run from the repository root: {@code mvn -o -q -B -pl benchmarks -am package -DskipTests} then
 * {@code java -jar benchmarks/target/benchmarks.jar 'compression.CompressionCacheBenchmarks'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class CompressionCacheBenchmarks {

	/** Keys each cache holds before measuring; hits and puts cycle through them. */
	static final int KEYS = 16;

	@Param({ "1024", "10240", "102400" })
	public int jsonBytes;

	private RedisServer redis;

	private ConfigurableApplicationContext context;

	private PageLookup lookup;

	private int next;

	@Setup(Level.Trial)
	public void start() {
		try {
			this.redis = RedisServer.start();
			this.context = starter(this.redis.uri());
			this.lookup = this.context.getBean(PageLookup.class);
			List<CatalogProduct> page = CatalogProduct.page(this.jsonBytes);
			this.lookup.setPage(page);
			for (int key = 0; key < KEYS; key++) {
				this.lookup.putOn(key);
				this.lookup.putOff(key);
				if (!page.equals(this.lookup.on(key)) || !page.equals(this.lookup.off(key))) {
					throw new IllegalStateException("A hit did not return the page for key " + key);
				}
			}
			System.err.println(memory(this.redis.commands(), this.jsonBytes,
					CatalogProduct.json(CatalogProduct.plainCodec(), page).length));
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	/** One Markdown row: JSON bytes, then STRLEN and MEMORY USAGE of an entry off and on. */
	static String memory(RedisCommands<String, String> redis, int size, int json) {
		String on = redis.get("bench:on:v1::0");
		String off = redis.get("bench:off:v1::0");
		if (!off.startsWith("CS1|") || !on.startsWith("CS2|")) {
			throw new IllegalStateException("Expected a plain and a compressed entry, found " + off.substring(0, 4)
					+ " and " + on.substring(0, 4));
		}
		return String.format("| memory | %,d | %,d | off %,d | %,d | on %,d | %,d |", size, json,
				redis.strlen("bench:off:v1::0"), redis.memoryUsage("bench:off:v1::0"),
				redis.strlen("bench:on:v1::0"), redis.memoryUsage("bench:on:v1::0"));
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	private int key() {
		this.next = (this.next + 1) % KEYS;
		return this.next;
	}

	@Benchmark
	public List<CatalogProduct> hitOff() {
		return this.lookup.off(key());
	}

	@Benchmark
	public List<CatalogProduct> hitOn() {
		return this.lookup.on(key());
	}

	@Benchmark
	public List<CatalogProduct> putOff() {
		return this.lookup.putOff(key());
	}

	@Benchmark
	public List<CatalogProduct> putOn() {
		return this.lookup.putOn(key());
	}

	/**
	 * cache-starter with all of its auto-configurations, cache {@code on} compressing every value.
	 */
	static ConfigurableApplicationContext starter(String redisUri) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PageApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + redisUri, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=bench", "cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.defaults.ttl=1h", "cache-starter.caches.on.compression.enabled=true",
					"cache-starter.caches.on.compression.threshold=1B", "cache-starter.caches.off.ttl=1h")
			.run();
		if (!(context.getBean(org.springframework.cache.CacheManager.class) instanceof StarterCacheManager)) {
			context.close();
			throw new IllegalStateException("Expected cache-starter's cache manager");
		}
		return context;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class PageApplication {

		@Bean
		PageLookup pageLookup() {
			return new PageLookup();
		}

	}

}
