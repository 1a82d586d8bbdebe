package io.cachestarter.benchmarks.bulk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cachestarter.benchmarks.hit.BenchProduct;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
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

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A read of {@code ids} keys of which half are cached, through cache-starter with all its auto-configurations and
 * defaults, against one redis-server on loopback: one {@code @CacheableAll} call ({@code cacheableAll}) against a
 * loop of one {@code @Cacheable} call per key ({@code cacheableLoop}), over the same cache and entries. Before each
 * call the uncached half is removed again (one {@code UNLINK}, outside the measured time), so every call finds the
 * same half cached: {@code ids / 2} hits and {@code ids / 2} misses whose values are loaded and written back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BulkReadBenchmarks {

	@Param({ "10", "100", "1000" })
	public int ids;

	private RedisServer redis;

	private ConfigurableApplicationContext context;

	private BulkLookup lookup;

	private RedisClient lettuce;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisCommands<byte[], byte[]> raw;

	private List<Long> keys;

	private byte[][] uncached;

	@Setup(Level.Trial)
	public void start() {
		try {
			startAll();
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	private void startAll() {
		this.redis = RedisServer.start();
		this.context = new SpringApplicationBuilder(BulkApplication.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + this.redis.uri(), "spring.main.banner-mode=off",
					"logging.level.root=warn", "spring.application.name=bench",
					"cache-starter.serialization.allowed-packages=io.cachestarter")
			.run();
		if (!(this.context.getBean(CacheManager.class) instanceof StarterCacheManager)) {
			throw new IllegalStateException("Expected cache-starter's cache manager");
		}
		this.lookup = this.context.getBean(BulkLookup.class);
		this.lettuce = RedisClient.create(this.redis.uri());
		this.connection = this.lettuce.connect(ByteArrayCodec.INSTANCE);
		this.raw = this.connection.sync();
		this.keys = new ArrayList<>(this.ids);
		List<byte[]> uncached = new ArrayList<>();
		for (long id = 1; id <= this.ids; id++) {
			this.keys.add(id);
			if (id % 2 == 0) {
				this.lookup.find(id);
			}
			else {
				uncached.add(("bench:bulkProducts:v1::" + id).getBytes(StandardCharsets.UTF_8));
			}
		}
		this.uncached = uncached.toArray(new byte[0][]);
		check();
	}

	/** Both reads return every value, and leave every key cached. */
	private void check() {
		Map<Long, BenchProduct> bulk = cacheableAll();
		removeUncachedHalf();
		Map<Long, BenchProduct> loop = cacheableLoop();
		if (bulk.size() != this.ids || !bulk.equals(loop) || !bulk.get(1L).equals(BenchProduct.of(1))) {
			throw new IllegalStateException("The two reads disagree");
		}
		long cached = this.redis.commands().keys("bench:bulkProducts:*").size();
		if (cached != this.ids) {
			throw new IllegalStateException("Expected " + this.ids + " entries in Redis, found " + cached);
		}
		System.err.println("value bytes in Redis: " + this.redis.commands().strlen("bench:bulkProducts:v1::1"));
	}

	@Setup(Level.Invocation)
	public void removeUncachedHalf() {
		this.raw.unlink(this.uncached);
	}

	@Benchmark
	public Map<Long, BenchProduct> cacheableAll() {
		return this.lookup.findAll(this.keys);
	}

	@Benchmark
	public Map<Long, BenchProduct> cacheableLoop() {
		Map<Long, BenchProduct> products = new LinkedHashMap<>();
		for (Long id : this.keys) {
			BenchProduct product = this.lookup.find(id);
			if (product != null) {
				products.put(id, product);
			}
		}
		return products;
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.connection != null) {
			this.connection.close();
		}
		if (this.lettuce != null) {
			this.lettuce.shutdown();
		}
		if (this.context != null) {
			this.context.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class BulkApplication {

		@Bean
		BulkLookup bulkLookup() {
			return new BulkLookup();
		}

	}

}
