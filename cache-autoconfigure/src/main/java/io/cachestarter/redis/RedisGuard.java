package io.cachestarter.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs the starter's Redis calls so that no Redis failure reaches the caller.
 * <p>
 * Every Redis call of every capability goes through one guard: a read that fails falls back (the cached method
 * runs), a write that fails is skipped, and a removal that fails is remembered and applied once Redis answers again,
 * so that no value the database has since changed is served. Implementations must never throw a Redis exception
 * out of these methods.
 */
public interface RedisGuard {

	/**
	 * The cache name of a removal that spans every cache (for example a tag invalidation): if it overflows the
	 * replay log, every cache is cleared.
	 */
	String ALL_CACHES = "";

	/**
	 * Runs a Redis call, or returns the fallback when Redis fails, times out or is considered down.
	 * @param <T> the result type
	 * @param cache the cache the call is for (for metrics and logs), or {@code ""}
	 * @param operation what kind of call it is
	 * @param action the Redis call
	 * @param fallback what to return instead; called at most once
	 * @return the call's result or the fallback's
	 */
	<T> T call(String cache, RedisOperation operation, Supplier<T> action, Supplier<T> fallback);

	/**
	 * Runs an asynchronous Redis call without blocking the calling thread. The future completes with the call's
	 * result, or with the fallback's when Redis fails, times out or is considered down: it never completes
	 * exceptionally with a Redis failure.
	 * @param <T> the result type
	 * @param cache the cache the call is for (for metrics and logs), or {@code ""}
	 * @param operation what kind of call it is
	 * @param action starts the Redis call
	 * @param fallback what to complete with instead; called at most once, on whichever thread the failure is seen
	 * @return the call's result or the fallback's
	 */
	<T> CompletableFuture<T> callAsync(String cache, RedisOperation operation,
			Supplier<? extends CompletionStage<T>> action, Supplier<T> fallback);

	/**
	 * Runs a Redis write whose failure only means a value is not cached.
	 * @param cache the cache the call is for
	 * @param operation what kind of call it is
	 * @param action the Redis call
	 * @return {@code true} if it ran, {@code false} if it failed or was skipped
	 */
	default boolean run(String cache, RedisOperation operation, Runnable action) {
		return call(cache, operation, () -> {
			action.run();
			return Boolean.TRUE;
		}, () -> Boolean.FALSE);
	}

	/**
	 * Runs a removal that must not be lost: if it fails now, it is kept in a bounded log and applied when Redis
	 * answers again, before reads are served from Redis.
	 * @param cache the cache the removal is for; when the log overflows, this cache is cleared instead
	 * @param operation what kind of removal it is
	 * @param removal the Redis call; must be idempotent, since it may run again later
	 * @return {@code true} if it ran now, {@code false} if it was deferred
	 */
	boolean remove(String cache, RedisOperation operation, Runnable removal);

	/**
	 * Returns whether Redis is currently considered reachable (for example the circuit breaker is closed).
	 * @return {@code true} while calls are sent to Redis
	 */
	boolean isAvailable();

}
