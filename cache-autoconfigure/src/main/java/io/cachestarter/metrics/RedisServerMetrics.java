package io.cachestarter.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.DeniedCommands;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.util.Assert;

/**
 * Gauges of the Redis server behind the caches, from {@code INFO} sampled on a schedule by one daemon thread, never
 * per request: {@code cache.starter.redis.memory.used}, {@code .memory.max}, {@code .evicted.keys},
 * {@code .keyspace.hits}, {@code .keyspace.misses}, {@code .clients}, and
 * {@code cache.starter.redis.maxmemory.policy} (value 1, tag {@code policy}). On Redis Cluster the figures are
 * summed over the masters.
 * <p>
 * The gauges appear after the first successful sample. A failed sample (through the {@link RedisGuard}, as a
 * {@code probe}) never throws; it makes the gauges NaN and removes the policy until Redis answers again. When the
 * ACL of the Redis user does not grant {@code INFO}, the gauges stay off: that is recorded once in the
 * {@link DeniedCommands} (a warning in the log and in the health component), and it is not counted as a Redis
 * failure, since Redis did answer.
 */
public final class RedisServerMetrics implements SmartLifecycle {

	private static final long STOP_TIMEOUT_SECONDS = 2;

	private static final RateLimitedLog log = new RateLimitedLog(RedisServerMetrics.class, Duration.ofMinutes(1));

	private final CacheStore store;

	private final RedisGuard guard;

	private final MeterRegistry registry;

	private final Duration interval;

	private final DeniedCommands deniedCommands;

	private volatile RedisServerInfo latest = RedisServerInfo.UNKNOWN;

	private @Nullable MultiGauge policy;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates the sampler; it starts sampling when started.
	 * @param store the Redis commands
	 * @param guard runs every sample
	 * @param registry where the gauges are registered
	 * @param interval time between the end of one sample and the start of the next
	 */
	public RedisServerMetrics(CacheStore store, RedisGuard guard, MeterRegistry registry, Duration interval) {
		this(store, guard, registry, interval, new DeniedCommands());
	}

	/**
	 * Creates the sampler; it starts sampling when started.
	 * @param store the Redis commands
	 * @param guard runs every sample
	 * @param registry where the gauges are registered
	 * @param interval time between the end of one sample and the start of the next
	 * @param deniedCommands where a denied {@code INFO} is recorded
	 */
	public RedisServerMetrics(CacheStore store, RedisGuard guard, MeterRegistry registry, Duration interval,
			DeniedCommands deniedCommands) {
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(guard, "'guard' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		Assert.isTrue(interval.toMillis() > 0, "'interval' must be at least 1ms");
		this.store = store;
		this.guard = guard;
		this.registry = registry;
		this.interval = interval;
		this.deniedCommands = deniedCommands;
	}

	@Override
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cache-starter-redis-metrics");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::sample, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
	}

	/**
	 * Stops sampling: no sample starts after this call; one in progress may finish (it is bounded by the Redis
	 * command timeout) for up to {@value #STOP_TIMEOUT_SECONDS} seconds, then it is interrupted.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler;
		synchronized (this) {
			scheduler = this.scheduler;
			this.scheduler = null;
		}
		if (scheduler == null) {
			return;
		}
		scheduler.shutdown();
		try {
			if (!scheduler.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				scheduler.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			scheduler.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Takes one sample now and updates the gauges; never throws.
	 */
	void sample() {
		RedisServerInfo info;
		try {
			info = this.guard.call("", RedisOperation.PROBE, this::readUnlessDenied, () -> null);
		}
		catch (RuntimeException ex) {
			info = null;
			log.warn("sample", () -> "Sampling Redis INFO failed", ex);
		}
		update((info != null) ? info : RedisServerInfo.UNKNOWN);
	}

	/** A denied {@code INFO} is an answer of Redis, not a failure: it is recorded, and the breaker never sees it. */
	private @Nullable RedisServerInfo readUnlessDenied() {
		try {
			return this.store.execute(RedisServerMetrics::read);
		}
		catch (RuntimeException ex) {
			if (!DeniedCommands.isDenial(ex)) {
				throw ex;
			}
			this.deniedCommands.record("INFO", "the cache.starter.redis.* gauges are off");
			return null;
		}
	}

	private synchronized void update(RedisServerInfo info) {
		this.latest = info;
		if (info != RedisServerInfo.UNKNOWN && this.policy == null) {
			register();
		}
		MultiGauge policy = this.policy;
		if (policy != null) {
			String name = info.maxmemoryPolicy();
			policy.register((name != null) ? List.of(MultiGauge.Row.of(Tags.of("policy", name), 1)) : List.of(),
					true);
		}
	}

	private void register() {
		gauge("cache.starter.redis.memory.used", "Memory Redis uses (used_memory)", BaseUnits.BYTES,
				RedisServerInfo::usedMemory);
		gauge("cache.starter.redis.memory.max", "Memory limit of Redis, 0 for none (maxmemory)", BaseUnits.BYTES,
				RedisServerInfo::maxMemory);
		gauge("cache.starter.redis.evicted.keys", "Keys Redis evicted for memory since its start (evicted_keys)",
				null, RedisServerInfo::evictedKeys);
		gauge("cache.starter.redis.keyspace.hits", "Successful key lookups in Redis since its start (keyspace_hits)",
				null, RedisServerInfo::keyspaceHits);
		gauge("cache.starter.redis.keyspace.misses", "Failed key lookups in Redis since its start (keyspace_misses)",
				null, RedisServerInfo::keyspaceMisses);
		gauge("cache.starter.redis.clients", "Client connections to Redis (connected_clients)", null,
				RedisServerInfo::connectedClients);
		this.policy = MultiGauge.builder("cache.starter.redis.maxmemory.policy")
			.description("The maxmemory-policy of Redis, as the tag 'policy' of a gauge of value 1")
			.register(this.registry);
	}

	private void gauge(String name, String description, @Nullable String baseUnit,
			ToDoubleFunction<RedisServerInfo> figure) {
		Gauge.builder(name, this, (metrics) -> figure.applyAsDouble(metrics.latest))
			.description(description)
			.baseUnit(baseUnit)
			.register(this.registry);
	}

	private static @Nullable RedisServerInfo read(RedisConnection connection) {
		if (connection instanceof RedisClusterConnection cluster) {
			RedisServerInfo sum = null;
			for (RedisClusterNode node : cluster.clusterGetNodes()) {
				if (node.isMaster()) {
					RedisServerInfo info = of(cluster.serverCommands().info(node));
					if (info != null) {
						sum = (sum != null) ? sum.plus(info) : info;
					}
				}
			}
			return sum;
		}
		return of(connection.serverCommands().info());
	}

	private static @Nullable RedisServerInfo of(@Nullable Properties info) {
		return (info != null) ? RedisServerInfo.of(info) : null;
	}

}
