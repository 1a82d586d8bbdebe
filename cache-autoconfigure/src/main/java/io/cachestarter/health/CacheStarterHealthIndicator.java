package io.cachestarter.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.DeniedCommands;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code cacheStarter} health component: {@code UP} when Redis answers and the circuit breaker is closed,
 * {@link #DEGRADED} while Redis is unreachable or the breaker is not closed (cached methods are then served by their
 * own code). It never reports {@code DOWN}: a cache outage must not take a healthy instance out of its load balancer.
 * {@code DEGRADED} is not in Spring Boot's default status order, so the aggregate health ignores it (and stays
 * {@code UP}, HTTP 200) unless the application lists it in {@code management.endpoint.health.status.order}.
 * <p>
 * Details: {@code circuitBreaker} (the breaker state, or {@code DISABLED} without one), {@code reachable},
 * {@code latencyMillis} (one {@code PING}), {@code maxmemoryPolicy} and {@code maxmemory} (from {@code INFO memory}),
 * {@code pendingRemovals} (failed removals waiting to be replayed) and {@code warnings}, for example when the
 * eviction policy is {@code noeviction} or {@code maxmemory} is unlimited, or when the ACL of the Redis user denies a
 * command a capability would use (see {@link DeniedCommands}).
 * <p>
 * The probe runs on the starter's Redis connection, so it is bounded by the command timeout; it does not go
 * through the circuit breaker, so it neither counts against it nor is blocked by it.
 */
public class CacheStarterHealthIndicator implements HealthIndicator {

	/** The status while the cache falls back to the database. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"Redis is unreachable or the circuit breaker is not closed: cached methods run their own code");

	static final String NO_EVICTION_WARNING = "maxmemory-policy is noeviction: when Redis is full, cache writes fail "
			+ "(and are skipped) instead of evicting old entries; use allkeys-lru, allkeys-lfu or a volatile-* policy";

	static final String NO_MAXMEMORY_WARNING = "maxmemory is 0 (unlimited): Redis never evicts and grows until the "
			+ "host runs out of memory; set maxmemory together with an eviction policy";

	private static final String UNKNOWN = "unknown";

	private final CacheStore store;

	private final RedisGuard guard;

	private final DeniedCommands deniedCommands;

	private final Supplier<@Nullable String> localInvalidation;

	/**
	 * Creates the indicator.
	 * @param store the starter's Redis commands
	 * @param guard the guard of the starter's Redis calls
	 */
	public CacheStarterHealthIndicator(CacheStore store, RedisGuard guard) {
		this(store, guard, new DeniedCommands());
	}

	/**
	 * Creates the indicator.
	 * @param store the starter's Redis commands
	 * @param guard the guard of the starter's Redis calls
	 * @param deniedCommands the commands Redis denied to the starter's user: each becomes a warning
	 */
	public CacheStarterHealthIndicator(CacheStore store, RedisGuard guard, DeniedCommands deniedCommands) {
		this(store, guard, deniedCommands, () -> null);
	}

	/**
	 * Creates the indicator.
	 * @param store the starter's Redis commands
	 * @param guard the guard of the starter's Redis calls
	 * @param deniedCommands the commands Redis denied to the starter's user: each becomes a warning
	 * @param localInvalidation the state of the L1 invalidation channel ({@code LISTENING} or
	 * {@code DISCONNECTED}, the {@code localInvalidation} detail), or {@code null} when no cache has L1 on
	 */
	public CacheStarterHealthIndicator(CacheStore store, RedisGuard guard, DeniedCommands deniedCommands,
			Supplier<@Nullable String> localInvalidation) {
		this.store = store;
		this.guard = guard;
		this.deniedCommands = deniedCommands;
		this.localInvalidation = localInvalidation;
	}

	@Override
	public Health health() {
		Map<String, Object> details = new LinkedHashMap<>();
		String breakerState = breakerState();
		details.put("circuitBreaker", breakerState);
		List<String> warnings = new ArrayList<>();
		boolean reachable = probe(details, warnings);
		if (this.guard instanceof CircuitBreakerRedisGuard circuitBreakerGuard) {
			details.put("pendingRemovals", circuitBreakerGuard.getPendingRemovals());
		}
		String localInvalidation = this.localInvalidation.get();
		if (localInvalidation != null) {
			details.put("localInvalidation", localInvalidation);
		}
		details.put("warnings", warnings);
		boolean breakerClosed = !State.OPEN.name().equals(breakerState) && !State.HALF_OPEN.name().equals(breakerState)
				&& !State.FORCED_OPEN.name().equals(breakerState);
		return Health.status((reachable && breakerClosed) ? Status.UP : DEGRADED).withDetails(details).build();
	}

	private String breakerState() {
		if (this.guard instanceof CircuitBreakerRedisGuard circuitBreakerGuard) {
			return circuitBreakerGuard.getCircuitBreaker().getState().name();
		}
		return State.DISABLED.name();
	}

	/** Pings Redis and reads its memory settings; never throws. */
	private boolean probe(Map<String, Object> details, List<String> warnings) {
		long start = System.nanoTime();
		try {
			this.store.execute((connection) -> connection.ping());
		}
		catch (RuntimeException ex) {
			details.put("reachable", false);
			details.put("error", String.valueOf(ex.getMessage()));
			return false;
		}
		details.put("reachable", true);
		details.put("latencyMillis", Math.round((System.nanoTime() - start) / 1_000.0) / 1_000.0);
		try {
			Properties memory = this.store.execute((connection) -> connection.serverCommands().info("memory"));
			describeMemory((memory != null) ? memory : new Properties(), details, warnings);
		}
		catch (RuntimeException ex) {
			details.put("maxmemoryPolicy", UNKNOWN);
			if (DeniedCommands.isDenial(ex)) {
				this.deniedCommands.record("INFO", "the eviction policy and the memory limit are not checked");
			}
			else {
				warnings.add("Cannot read INFO memory (" + ex.getMessage() + "): the eviction policy is not checked");
			}
		}
		warnings.addAll(this.deniedCommands.warnings());
		return true;
	}

	/** Reads standalone keys ({@code maxmemory_policy}) and cluster keys ({@code host:port.maxmemory_policy}). */
	private static void describeMemory(Properties memory, Map<String, Object> details, List<String> warnings) {
		TreeSet<String> policies = new TreeSet<>();
		TreeSet<Long> limits = new TreeSet<>();
		for (String key : memory.stringPropertyNames()) {
			String value = memory.getProperty(key).trim();
			if (isField(key, "maxmemory_policy")) {
				policies.add(value);
			}
			else if (isField(key, "maxmemory")) {
				Long limit = parseLong(value);
				if (limit != null) {
					limits.add(limit);
				}
			}
		}
		details.put("maxmemoryPolicy", policies.isEmpty() ? UNKNOWN : String.join(",", policies));
		if (limits.size() == 1) {
			details.put("maxmemory", limits.first());
		}
		else if (!limits.isEmpty()) {
			details.put("maxmemory", limits);
		}
		if (policies.contains("noeviction")) {
			warnings.add(NO_EVICTION_WARNING);
		}
		if (limits.contains(0L)) {
			warnings.add(NO_MAXMEMORY_WARNING);
		}
	}

	private static boolean isField(String key, String field) {
		return key.equals(field) || key.endsWith("." + field);
	}

	private static @Nullable Long parseLong(String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
