package io.cachestarter.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.FailureReason;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.resilience.RemovalReplayLog.PendingRemoval;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The guard used by default: every Redis call runs inside one Resilience4j {@link CircuitBreaker} (the instance
 * {@value CircuitBreakerDefaults#INSTANCE_NAME}), and every failure falls back instead of reaching the caller.
 * <p>
 * While the breaker is open, Redis is not contacted at all: reads are misses and writes are skipped at once, with
 * the reason {@code circuit_open}. A removal that fails or is not permitted is kept in a bounded replay log; as long
 * as that log is not empty, every call first replays it (in order, each removal through the breaker), and falls back
 * if that does not succeed, so that no read is served from Redis before the removals that preceded it are applied.
 * When the log is full, the cache of a removal that does not fit is cleared instead (SCAN and UNLINK through the
 * {@link CacheClearer}), counted as the error {@code replay_overflow}.
 * <p>
 * A cached call waits for Redis at most once: when a read failed, the write of the same cache that follows on the
 * same thread (the value the method then loaded) is skipped, and a call that finds another thread replaying the log
 * waits for it at most the replay wait and does not replay again.
 * <p>
 * Every fallback is counted ({@code cache.starter.fallbacks}) and logged at most once per reason every ten seconds.
 */
public final class CircuitBreakerRedisGuard implements RedisGuard {

	private static final RateLimitedLog log = new RateLimitedLog(CircuitBreakerRedisGuard.class,
			Duration.ofSeconds(10));

	private static final Log logger = LogFactory.getLog(CircuitBreakerRedisGuard.class);

	private static final Failure CIRCUIT_OPEN = new Failure(FailureReason.CIRCUIT_OPEN, null);

	/** How long after a failed read a write of the same cache on the same thread counts as part of the same call. */
	private static final long FAILED_READ_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final CircuitBreaker circuitBreaker;

	private final CacheStarterMetrics metrics;

	private final RemovalReplayLog replayLog;

	private final CacheClearer cacheClearer;

	private final long replayWaitNanos;

	private final Executor replayExecutor;

	private final ReentrantLock replayLock = new ReentrantLock();

	private final ThreadLocal<@Nullable FailedRead> failedRead = new ThreadLocal<>();

	/**
	 * Creates a guard.
	 * @param circuitBreaker the breaker every Redis call goes through
	 * @param metrics records fallbacks and replay-log overflows
	 * @param replayLogSize the most removals kept while Redis is unreachable
	 * @param cacheClearer clears a cache whose removals overflowed the replay log
	 * @param replayWait how long a call waits for another thread that replays the log before it falls back
	 * (typically the command timeout)
	 * @param replayExecutor where an asynchronous call replays the log, since replaying blocks
	 */
	public CircuitBreakerRedisGuard(CircuitBreaker circuitBreaker, CacheStarterMetrics metrics, int replayLogSize,
			CacheClearer cacheClearer, Duration replayWait, Executor replayExecutor) {
		if (replayLogSize < 0) {
			throw new IllegalArgumentException("'replayLogSize' must not be negative");
		}
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
		this.replayLog = new RemovalReplayLog(replayLogSize);
		this.cacheClearer = cacheClearer;
		this.replayWaitNanos = replayWait.toNanos();
		this.replayExecutor = replayExecutor;
		circuitBreaker.getEventPublisher().onStateTransition(this::logTransition);
	}

	@Override
	public <T> T call(String cache, RedisOperation operation, Supplier<T> action, Supplier<T> fallback) {
		Failure failure = failedReadOfThisCall(cache, operation);
		if (failure == null) {
			failure = replayPendingRemovals();
		}
		if (failure == null) {
			Object[] result = new Object[1];
			failure = attempt(() -> result[0] = action.get());
			if (failure == null) {
				@SuppressWarnings("unchecked")
				T value = (T) result[0];
				return value;
			}
		}
		if (operation == RedisOperation.GET && failure != CIRCUIT_OPEN) {
			this.failedRead.set(new FailedRead(cache, failure.reason(), System.nanoTime()));
		}
		fellBack(cache, operation, failure);
		return fallback.get();
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String cache, RedisOperation operation,
			Supplier<? extends CompletionStage<T>> action, Supplier<T> fallback) {
		if (this.replayLog.isEmpty()) {
			return attemptAsync(cache, operation, action, fallback);
		}
		// Replaying blocks, so it runs on the executor; the call follows it, as a synchronous call would.
		return CompletableFuture.supplyAsync(this::replayPendingRemovals, this.replayExecutor)
			.thenCompose((failure) -> (failure == null) ? attemptAsync(cache, operation, action, fallback)
					: CompletableFuture.completedFuture(fallBack(cache, operation, failure, fallback)));
	}

	private <T> CompletableFuture<T> attemptAsync(String cache, RedisOperation operation,
			Supplier<? extends CompletionStage<T>> action, Supplier<T> fallback) {
		if (!this.circuitBreaker.tryAcquirePermission()) {
			return CompletableFuture.completedFuture(fallBack(cache, operation, CIRCUIT_OPEN, fallback));
		}
		long start = this.circuitBreaker.getCurrentTimestamp();
		CompletionStage<T> call;
		try {
			call = action.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.completedFuture(fallBack(cache, operation, failed(start, ex), fallback));
		}
		catch (Error ex) {
			this.circuitBreaker.releasePermission();
			throw ex;
		}
		return call.toCompletableFuture().handle((value, ex) -> {
			if (ex != null) {
				// Seen on Lettuce's event loop: the log line (blocking output) is written from the executor.
				Failure failure = failed(start, unwrap(ex));
				this.replayExecutor.execute(() -> fellBack(cache, operation, failure));
				return fallback.get();
			}
			this.circuitBreaker.onSuccess(this.circuitBreaker.getCurrentTimestamp() - start,
					this.circuitBreaker.getTimestampUnit());
			return value;
		});
	}

	private Failure failed(long start, Throwable ex) {
		this.circuitBreaker.onError(this.circuitBreaker.getCurrentTimestamp() - start,
				this.circuitBreaker.getTimestampUnit(), ex);
		return new Failure(FailureReason.of(ex), ex);
	}

	private <T> T fallBack(String cache, RedisOperation operation, Failure failure, Supplier<T> fallback) {
		fellBack(cache, operation, failure);
		return fallback.get();
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * A cached call that could not read Redis writes the value its method loaded right after: that write would wait
	 * for the command timeout a second time. It is skipped, so that a call waits for Redis at most once.
	 */
	private @Nullable Failure failedReadOfThisCall(String cache, RedisOperation operation) {
		if (operation != RedisOperation.PUT) {
			return null;
		}
		FailedRead read = this.failedRead.get();
		if (read == null) {
			return null;
		}
		this.failedRead.remove();
		boolean sameCall = read.cache().equals(cache) && System.nanoTime() - read.nanoTime() < FAILED_READ_WINDOW_NANOS;
		return sameCall ? new Failure(read.reason(), null) : null;
	}

	@Override
	public boolean remove(String cache, RedisOperation operation, Runnable removal) {
		Failure failure = replayPendingRemovals();
		if (failure == null) {
			failure = attempt(removal);
			if (failure == null) {
				return true;
			}
		}
		if (!this.replayLog.add(cache, operation, removal)) {
			this.metrics.recordError(cache, "replay_overflow");
			log.warn("replay-overflow", () -> "The replay log of removals is full: "
					+ (RedisGuard.ALL_CACHES.equals(cache) ? "every cache" : "cache '" + cache + "'")
					+ " will be cleared when Redis answers again, instead of replaying its removals one by one",
					null);
		}
		fellBack(cache, operation, failure);
		return false;
	}

	@Override
	public boolean isAvailable() {
		State state = this.circuitBreaker.getState();
		return state != State.OPEN && state != State.FORCED_OPEN;
	}

	/**
	 * Returns the circuit breaker every Redis call goes through.
	 * @return the breaker
	 */
	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Returns how many failed removals wait to be replayed, counting a cache to clear as one.
	 * @return the number of pending removals
	 */
	public int getPendingRemovals() {
		return this.replayLog.pendingRemovals() + this.replayLog.pendingClears();
	}

	/**
	 * Replays the log if it holds anything.
	 * @return {@code null} if nothing is pending any more, else why the caller must fall back
	 */
	private @Nullable Failure replayPendingRemovals() {
		if (this.replayLog.isEmpty() || this.replayLock.isHeldByCurrentThread()) {
			return null;
		}
		if (!this.replayLock.tryLock()) {
			// Another thread replays: wait for it (at most the command timeout), but do not replay again after it,
			// so that a call waits for Redis at most once.
			try {
				if (!this.replayLock.tryLock(this.replayWaitNanos, TimeUnit.NANOSECONDS)) {
					return new Failure(FailureReason.TIMEOUT, null);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Failure(FailureReason.TIMEOUT, ex);
			}
			this.replayLock.unlock();
			return this.replayLog.isEmpty() ? null : new Failure(FailureReason.TIMEOUT, null);
		}
		try {
			return replay();
		}
		finally {
			this.replayLock.unlock();
		}
	}

	private @Nullable Failure replay() {
		for (String cache : this.replayLog.cachesToClear()) {
			Failure failure = attempt(() -> this.cacheClearer.clear(cache));
			if (failure != null) {
				return failure;
			}
			this.replayLog.cleared(cache);
			logger.warn("Cleared " + (RedisGuard.ALL_CACHES.equals(cache) ? "every cache" : "cache '" + cache + "'")
					+ " after Redis returned, because its removals overflowed the replay log");
		}
		int replayed = 0;
		for (PendingRemoval removal = this.replayLog.next(); removal != null; removal = this.replayLog.next()) {
			Failure failure = attempt(removal.removal());
			if (failure != null) {
				return failure;
			}
			this.replayLog.replayed(removal);
			replayed++;
		}
		if (replayed > 0 && logger.isInfoEnabled()) {
			logger.info("Replayed " + replayed + " removals that failed while Redis was unreachable");
		}
		return null;
	}

	/**
	 * Runs one Redis call inside the breaker.
	 * @return {@code null} if it succeeded, else why it did not
	 */
	private @Nullable Failure attempt(Runnable action) {
		if (!this.circuitBreaker.tryAcquirePermission()) {
			return CIRCUIT_OPEN;
		}
		long start = this.circuitBreaker.getCurrentTimestamp();
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			return failed(start, ex);
		}
		catch (Error ex) {
			this.circuitBreaker.releasePermission();
			throw ex;
		}
		this.circuitBreaker.onSuccess(this.circuitBreaker.getCurrentTimestamp() - start,
				this.circuitBreaker.getTimestampUnit());
		if (this.failedRead.get() != null) {
			this.failedRead.remove();
		}
		return null;
	}

	private void fellBack(String cache, RedisOperation operation, Failure failure) {
		String reason = failure.reason().tagValue();
		this.metrics.recordFallback(cache, reason);
		log.warn("fallback:" + reason, () -> "Redis " + operation.tagValue() + " for cache '" + cache + "' fell back ("
				+ reason + ((failure.reason() == FailureReason.CIRCUIT_OPEN) ? ": the circuit breaker is open)" : ")"),
				failure.cause());
	}

	private void logTransition(CircuitBreakerOnStateTransitionEvent event) {
		State to = event.getStateTransition().getToState();
		String message = "Redis circuit breaker '" + event.getCircuitBreakerName() + "' went from "
				+ event.getStateTransition().getFromState() + " to " + to;
		if (to == State.OPEN || to == State.FORCED_OPEN) {
			logger.warn(message + ": cached methods are served by their own code until Redis answers again");
		}
		else if (logger.isInfoEnabled()) {
			logger.info(message);
		}
	}

	private record Failure(FailureReason reason, @Nullable Throwable cause) {
	}

	private record FailedRead(String cache, FailureReason reason, long nanoTime) {
	}

}
