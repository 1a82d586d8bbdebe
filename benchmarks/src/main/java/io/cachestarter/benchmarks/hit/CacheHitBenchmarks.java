package io.cachestarter.benchmarks.hit;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A cache hit through a {@code @Cacheable} proxy, and a miss's own overhead, side by side in one run against one
 * redis-server: cache-starter ({@code Starter}), Spring Boot's plain {@code RedisCacheManager} with JSON
 * ({@code Plain}; for the miss path also with immediate writes, {@code PlainImmediateWrites}), a raw Lettuce GET of the plain cache's bytes ({@code rawLettuceGet}) and Caffeine in process
 * ({@code hitCaffeine}). {@link OneThread} and {@link FourThreads} run the same methods with 1 and 4 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class CacheHitBenchmarks {

	/** Keys that every cache holds before measuring; a thread cycles through them. */
	static final int HIT_KEYS = 64;

	private RedisServer redis;

	private ConfigurableApplicationContext starter;

	private ConfigurableApplicationContext plain;

	private ConfigurableApplicationContext plainImmediate;

	private ConfigurableApplicationContext caffeine;

	private ProductLookup starterLookup;

	private ProductLookup plainLookup;

	private ProductLookup plainImmediateLookup;

	private ProductLookup caffeineLookup;

	private RedisClient lettuce;

	private StatefulRedisConnection<byte[], byte[]> rawConnection;

	private RedisCommands<byte[], byte[]> raw;

	private byte[][] rawKeys;

	/** Ids never asked for before, shared by all threads: every call of a miss benchmark misses. */
	private final AtomicLong missIds = new AtomicLong(1_000_000_000L);

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
		this.starter = CacheContexts.starter(this.redis.uri());
		this.plain = CacheContexts.plainRedis(this.redis.uri());
		this.plainImmediate = CacheContexts.plainRedisImmediateWrites(this.redis.uri());
		this.caffeine = CacheContexts.caffeine(this.redis.uri());
		this.plainImmediateLookup = this.plainImmediate.getBean(ProductLookup.class);
		this.starterLookup = this.starter.getBean(ProductLookup.class);
		this.plainLookup = this.plain.getBean(ProductLookup.class);
		this.caffeineLookup = this.caffeine.getBean(ProductLookup.class);
		System.err.println("cache-starter beans measured: " + CacheContexts.starterBeans(this.starter));
		this.lettuce = RedisClient.create(this.redis.uri());
		this.rawConnection = this.lettuce.connect(ByteArrayCodec.INSTANCE);
		this.raw = this.rawConnection.sync();
		this.rawKeys = new byte[HIT_KEYS][];
		for (int i = 0; i < HIT_KEYS; i++) {
			long id = i + 1;
			warm(this.starterLookup, id);
			warm(this.plainLookup, id);
			warm(this.plainImmediateLookup, id);
			warm(this.caffeineLookup, id);
			this.rawKeys[i] = ("products::" + id).getBytes(StandardCharsets.UTF_8);
		}
		// The default plain cache writes asynchronously: wait until Redis has every value.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.redis.commands().keys("products::*").size() < HIT_KEYS && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		for (int i = 0; i < HIT_KEYS; i++) {
			byte[] bytes = this.raw.get(this.rawKeys[i]);
			if (bytes == null || bytes.length < 1000) {
				throw new IllegalStateException("The plain cache holds no ~1 KB value at products::" + (i + 1));
			}
		}
		long starterKeys = this.redis.commands().keys("bench:products:*").size();
		if (starterKeys != HIT_KEYS) {
			throw new IllegalStateException("Expected " + HIT_KEYS + " starter entries in Redis, found " + starterKeys);
		}
		System.err.println("value bytes in Redis: plain " + this.raw.get(this.rawKeys[0]).length + ", starter "
				+ this.redis.commands().strlen("bench:products:v1::1"));
	}

	static void warm(ProductLookup lookup, long id) {
		BenchProduct expected = BenchProduct.of(id);
		lookup.find(id);
		lookup.findAsync(id).join();
		if (!expected.equals(lookup.find(id)) || !expected.equals(lookup.findAsync(id).join())) {
			throw new IllegalStateException("The cache did not return the value for id " + id);
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.rawConnection != null) {
			this.rawConnection.close();
		}
		if (this.lettuce != null) {
			this.lettuce.shutdown();
		}
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.starter,
				this.plain, this.plainImmediate, this.caffeine }) {
			if (context != null) {
				context.close();
			}
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	/**
	 * Each thread's position in the hit keys.
	 */
	@State(Scope.Thread)
	public static class Cursor {

		private int next;

		long id() {
			this.next = (this.next + 1) % HIT_KEYS;
			return this.next + 1;
		}

		int index() {
			this.next = (this.next + 1) % HIT_KEYS;
			return this.next;
		}

	}

	@Benchmark
	public BenchProduct hitStarter(Cursor cursor) {
		return this.starterLookup.find(cursor.id());
	}

	@Benchmark
	public BenchProduct hitPlain(Cursor cursor) {
		return this.plainLookup.find(cursor.id());
	}

	@Benchmark
	public BenchProduct asyncHitStarter(Cursor cursor) {
		return this.starterLookup.findAsync(cursor.id()).join();
	}

	@Benchmark
	public BenchProduct asyncHitPlain(Cursor cursor) {
		return this.plainLookup.findAsync(cursor.id()).join();
	}

	@Benchmark
	public byte[] rawLettuceGet(Cursor cursor) {
		return this.raw.get(this.rawKeys[cursor.index()]);
	}

	@Benchmark
	public BenchProduct hitCaffeine(Cursor cursor) {
		return this.caffeineLookup.find(cursor.id());
	}

	@Benchmark
	public BenchProduct missStarter() {
		return this.starterLookup.load(this.missIds.incrementAndGet());
	}

	@Benchmark
	public BenchProduct missPlain() {
		return this.plainLookup.load(this.missIds.incrementAndGet());
	}

	@Benchmark
	public BenchProduct missPlainImmediateWrites() {
		return this.plainImmediateLookup.load(this.missIds.incrementAndGet());
	}

}
