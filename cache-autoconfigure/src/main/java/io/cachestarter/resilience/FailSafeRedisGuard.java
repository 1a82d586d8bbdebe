package io.cachestarter.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.FailureReason;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;

/**
 * The guard used when {@code cache-starter.resilience.enabled=false}: every failure falls back (counted and logged)
 * but there is no circuit breaker, so each call still waits for the command timeout, and failed removals are not
 * replayed.
 */
public final class FailSafeRedisGuard implements RedisGuard {

	private final RateLimitedLog log = new RateLimitedLog(FailSafeRedisGuard.class, Duration.ofSeconds(10));

	private final CacheStarterMetrics metrics;

	public FailSafeRedisGuard(CacheStarterMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public <T> T call(String cache, RedisOperation operation, Supplier<T> action, Supplier<T> fallback) {
		try {
			return action.get();
		}
		catch (RuntimeException ex) {
			return fellBack(cache, operation, ex, fallback);
		}
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String cache, RedisOperation operation,
			Supplier<? extends CompletionStage<T>> action, Supplier<T> fallback) {
		CompletionStage<T> call;
		try {
			call = action.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.completedFuture(fellBack(cache, operation, ex, fallback));
		}
		return call.toCompletableFuture()
			.handle((value, ex) -> (ex != null) ? fellBack(cache, operation, ex, fallback) : value);
	}

	private <T> T fellBack(String cache, RedisOperation operation, Throwable failure, Supplier<T> fallback) {
		FailureReason reason = FailureReason.of(failure);
		this.metrics.recordFallback(cache, reason.tagValue());
		this.log.warn("redis:" + operation.tagValue(),
				() -> "Redis " + operation.tagValue() + " failed for cache '" + cache + "', falling back", failure);
		return fallback.get();
	}

	@Override
	public boolean remove(String cache, RedisOperation operation, Runnable removal) {
		return run(cache, operation, removal);
	}

	@Override
	public boolean isAvailable() {
		return true;
	}

}
