package io.cachestarter.benchmarks.hit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.serialization.CacheEntryCodec;
import io.cachestarter.test.redis.RedisServer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The L1 near cache hit through a {@code @Cacheable} proxy, in one run with Spring Boot's
 * {@code CaffeineCacheManager} hit ({@code hitCaffeine}) and the starter's Redis hit without L1
 * ({@code hitStarterRedis}); and the alternative to holding values by reference, a hit that re-decodes the stored
 * JSON each time ({@code hitNearReDecoding}: the by-reference hit plus one decode of the same entry's bytes).
 * Run with {@code -prof gc} for the allocation per hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class NearCacheHitBenchmarks {

	private RedisServer redis;

	private ConfigurableApplicationContext near;

	private ConfigurableApplicationContext starter;

	private ConfigurableApplicationContext caffeine;

	private ProductLookup nearLookup;

	private ProductLookup starterLookup;

	private ProductLookup caffeineLookup;

	private CacheEntryCodec codec;

	private byte[][] storedBytes;

	@Setup(Level.Trial)
	public void start() {
		this.redis = RedisServer.start();
		this.near = CacheContexts.starterWithNearCache(this.redis.uri());
		this.starter = CacheContexts.starter(this.redis.uri());
		this.caffeine = CacheContexts.caffeine(this.redis.uri());
		this.nearLookup = this.near.getBean(ProductLookup.class);
		this.starterLookup = this.starter.getBean(ProductLookup.class);
		this.caffeineLookup = this.caffeine.getBean(ProductLookup.class);
		this.codec = this.near.getBean(CacheEntryCodec.class);
		LocalNearCaches caches = this.near.getBean(LocalNearCaches.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (caches.state() != LocalNearCaches.State.LISTENING && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		if (caches.state() != LocalNearCaches.State.LISTENING) {
			throw new IllegalStateException("The near caches never started listening");
		}
		CacheStore store = this.near.getBean(StarterCacheManager.class).getServices().store();
		this.storedBytes = new byte[CacheHitBenchmarks.HIT_KEYS][];
		for (int i = 0; i < CacheHitBenchmarks.HIT_KEYS; i++) {
			long id = i + 1;
			warm(this.nearLookup, id);
			warm(this.starterLookup, id);
			warm(this.caffeineLookup, id);
			this.storedBytes[i] = store.get(("bench:products:v1::" + id).getBytes(StandardCharsets.UTF_8));
			if (this.storedBytes[i] == null) {
				throw new IllegalStateException("No entry in Redis for id " + id);
			}
		}
		long nearSize = this.near.getBean(StarterCacheManager.class).getStarterCache("products").getNearCache().size();
		if (nearSize != CacheHitBenchmarks.HIT_KEYS) {
			throw new IllegalStateException("Expected " + CacheHitBenchmarks.HIT_KEYS + " L1 entries, found " + nearSize);
		}
	}

	private static void warm(ProductLookup lookup, long id) {
		lookup.find(id);
		if (!BenchProduct.of(id).equals(lookup.find(id))) {
			throw new IllegalStateException("The cache did not return the value for id " + id);
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.near, this.starter,
				this.caffeine }) {
			if (context != null) {
				context.close();
			}
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Benchmark
	public BenchProduct hitNear(CacheHitBenchmarks.Cursor cursor) {
		return this.nearLookup.find(cursor.id());
	}

	@Benchmark
	public Object hitNearReDecoding(CacheHitBenchmarks.Cursor cursor) {
		long id = cursor.id();
		this.nearLookup.find(id);
		CacheEntry entry = this.codec.decode(this.storedBytes[(int) id - 1]);
		return entry.value();
	}

	@Benchmark
	public BenchProduct hitCaffeine(CacheHitBenchmarks.Cursor cursor) {
		return this.caffeineLookup.find(cursor.id());
	}

	@Benchmark
	public BenchProduct hitStarterRedis(CacheHitBenchmarks.Cursor cursor) {
		return this.starterLookup.find(cursor.id());
	}

}
