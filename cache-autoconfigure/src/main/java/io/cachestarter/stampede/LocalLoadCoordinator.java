package io.cachestarter.stampede;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cachestarter.cache.AsyncLoadTask;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.LoadCoordinator;
import io.cachestarter.cache.LoadTask;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Single flight within this JVM only: concurrent misses of one key share one load, and a key has at most one
 * background reload at a time. Used when {@code cache-starter.stampede.enabled=false}, and as the first stage of
 * the distributed coordinator (one lock attempt per key and instance).
 * <p>
 * The first caller of a key leads: it runs {@link #loadOnce(LoadTask)}, and every concurrent caller of the same key
 * waits for its result. If the leader fails, a waiter takes over. With a follow timeout, a waiter also takes over
 * when the leader's load has run for that long (a hung load); while the leader is still waiting for another
 * instance's load (before it runs the method itself), its followers keep waiting with it, since the leader's own wait
 * is bounded.
 * <p>
 * The asynchronous face ({@link #loadAsync}) shares the same flights: a waiter of either face waits for a leader of
 * either face. An asynchronous waiter parks no thread: it is a future, completed on the async executor, and its
 * follow timeout is a scheduled check.
 */
public class LocalLoadCoordinator implements LoadCoordinator {

	private static final RateLimitedLog log = new RateLimitedLog(LocalLoadCoordinator.class, Duration.ofSeconds(30));

	private static final long NOT_LOADING = Long.MIN_VALUE;

	private static final long MIN_FOLLOW_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final ConcurrentHashMap<String, Flight> loading = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	private final Executor reloadExecutor;

	protected final Executor asyncExecutor;

	private final @Nullable Duration followTimeout;

	protected final CacheStarterMetrics metrics;

	/**
	 * Creates a coordinator whose waiters wait as long as the leader's load runs, like Spring's own
	 * {@code sync = true}.
	 * @param reloadExecutor runs background reloads; should be bounded and reject when full
	 * @param asyncExecutor completes the futures of asynchronous waiters
	 * @param metrics records waits and reloads
	 */
	public LocalLoadCoordinator(Executor reloadExecutor, Executor asyncExecutor, CacheStarterMetrics metrics) {
		this(reloadExecutor, asyncExecutor, metrics, null);
	}

	/**
	 * Creates a coordinator.
	 * @param reloadExecutor runs background reloads; should be bounded and reject when full
	 * @param asyncExecutor completes the futures of asynchronous waiters
	 * @param metrics records waits and reloads
	 * @param followTimeout how long a waiter waits for a running load before it takes over, or {@code null} to wait
	 * as long as the load runs
	 */
	protected LocalLoadCoordinator(Executor reloadExecutor, Executor asyncExecutor, CacheStarterMetrics metrics,
			@Nullable Duration followTimeout) {
		Assert.notNull(reloadExecutor, "'reloadExecutor' must not be null");
		Assert.notNull(asyncExecutor, "'asyncExecutor' must not be null");
		Assert.notNull(metrics, "'metrics' must not be null");
		Assert.isTrue(followTimeout == null || (!followTimeout.isNegative() && !followTimeout.isZero()),
				"'followTimeout' must be positive");
		this.reloadExecutor = reloadExecutor;
		this.asyncExecutor = asyncExecutor;
		this.metrics = metrics;
		this.followTimeout = followTimeout;
	}

	@Override
	public @Nullable Object load(LoadTask task) throws Exception {
		long waitingSince = System.nanoTime();
		boolean waited = false;
		while (true) {
			Flight mine = new Flight();
			Flight running = this.loading.putIfAbsent(task.redisKey(), mine);
			if (running == null) {
				return lead(task, mine, false);
			}
			if (!waited) {
				this.metrics.recordStampedeWait(task.cacheName());
				waited = true;
			}
			try {
				return follow(running, waitingSince);
			}
			catch (ExecutionException ex) {
				// The leader failed (or its thread was interrupted): take over rather than share its error.
			}
			catch (TimeoutException ex) {
				// The leader's load has run for the whole follow timeout: one waiter replaces it and loads directly.
				if (this.loading.replace(task.redisKey(), running, mine)) {
					log.warn("takeover:" + task.cacheName(), () -> "A load in cache '" + task.cacheName()
							+ "' ran longer than " + this.followTimeout + "; another caller is loading the key", null);
					return lead(task, mine, true);
				}
			}
		}
	}

	/**
	 * Loads a key for every caller of this JVM; the distributed coordinator adds its lock here. Implementations run
	 * the method through {@link LoadTask#loadAndStore()} of the task they are given (which tells this JVM's waiters
	 * that the load has started) or return a value another caller has stored.
	 * @param task the load
	 * @return the value
	 * @throws Exception what the method threw
	 */
	protected @Nullable Object loadOnce(LoadTask task) throws Exception {
		return task.loadAndStore();
	}

	@Override
	public CompletableFuture<@Nullable Object> loadAsync(AsyncLoadTask task) {
		return loadAsync(task, System.nanoTime(), false);
	}

	private CompletableFuture<@Nullable Object> loadAsync(AsyncLoadTask task, long waitingSince, boolean waited) {
		Flight mine = new Flight();
		Flight running = this.loading.putIfAbsent(task.redisKey(), mine);
		if (running == null) {
			return leadAsync(task, mine, false);
		}
		if (!waited) {
			this.metrics.recordStampedeWait(task.cacheName());
		}
		CompletableFuture<@Nullable Object> outcome = new CompletableFuture<>();
		running.result.whenComplete((value, ex) -> this.asyncExecutor.execute(() -> {
			if (ex == null) {
				outcome.complete(value);
			}
			else {
				// The leader failed: take over rather than share its error.
				pipe(loadAsync(task, waitingSince, true), outcome);
			}
		}));
		if (this.followTimeout != null) {
			checkFollowTimeout(task, running, waitingSince, outcome);
		}
		return outcome;
	}

	/**
	 * Loads a key for every caller of this JVM, without blocking; the distributed coordinator adds its lock here.
	 * Implementations run {@link AsyncLoadTask#loadAndStoreAsync()} of the task they are given, or complete with a
	 * value another caller has stored.
	 * @param task the load
	 * @return the value
	 */
	protected CompletableFuture<@Nullable Object> loadOnceAsync(AsyncLoadTask task) {
		return task.loadAndStoreAsync();
	}

	private CompletableFuture<@Nullable Object> leadAsync(AsyncLoadTask task, Flight flight, boolean takeover) {
		AsyncLoadTask marked = new MarkingAsyncTask(task, flight);
		CompletableFuture<@Nullable Object> load;
		try {
			load = takeover ? marked.loadAndStoreAsync() : loadOnceAsync(marked);
		}
		catch (RuntimeException ex) {
			load = CompletableFuture.failedFuture(ex);
		}
		return load.whenComplete((value, ex) -> {
			if (ex == null) {
				// Completed before it is removed: a caller arriving in between still shares this value.
				flight.result.complete(value);
				this.loading.remove(task.redisKey(), flight);
			}
			else {
				this.loading.remove(task.redisKey(), flight);
				flight.result.completeExceptionally(unwrap(ex));
			}
		});
	}

	/**
	 * The asynchronous twin of the follow timeout: once the leader's load has run for the whole timeout, one waiter
	 * replaces it and loads directly. While the leader still waits for another instance, its waiters wait with it.
	 */
	private void checkFollowTimeout(AsyncLoadTask task, Flight running, long waitingSince,
			CompletableFuture<@Nullable Object> outcome) {
		long loadingSince = running.loadingSince;
		long timeout = this.followTimeout.toNanos();
		long deadline = ((loadingSince != NOT_LOADING) ? Math.max(waitingSince, loadingSince) : waitingSince)
				+ timeout;
		long remaining = Math.max(deadline - System.nanoTime(), MIN_FOLLOW_SLICE_NANOS);
		CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS, this.asyncExecutor).execute(() -> {
			if (outcome.isDone() || running.result.isDone()) {
				return;
			}
			boolean overdue = running.loadingSince != NOT_LOADING && System.nanoTime() - deadline >= 0;
			if (!overdue) {
				checkFollowTimeout(task, running, waitingSince, outcome);
				return;
			}
			Flight mine = new Flight();
			if (this.loading.replace(task.redisKey(), running, mine)) {
				log.warn("takeover:" + task.cacheName(), () -> "A load in cache '" + task.cacheName()
						+ "' ran longer than " + this.followTimeout + "; another caller is loading the key", null);
				pipe(leadAsync(task, mine, true), outcome);
			}
		});
	}

	private static void pipe(CompletableFuture<@Nullable Object> from, CompletableFuture<@Nullable Object> to) {
		from.whenComplete((value, ex) -> {
			if (ex == null) {
				to.complete(value);
			}
			else {
				to.completeExceptionally(unwrap(ex));
			}
		});
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	@Override
	public void refresh(LoadTask task) {
		if (!this.refreshing.add(task.redisKey())) {
			return;
		}
		try {
			this.reloadExecutor.execute(() -> {
				try {
					refreshOnce(task);
				}
				catch (Throwable ex) {
					log.warn("refresh:" + task.cacheName(), () -> "Background reload in cache '" + task.cacheName()
							+ "' failed; the current value stays until it expires", ex);
				}
				finally {
					this.refreshing.remove(task.redisKey());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(task.redisKey());
			log.warn("refresh-rejected", () -> "Background reload queue is full; reload of a key in cache '"
					+ task.cacheName() + "' skipped", null);
		}
	}

	/**
	 * Runs one background reload, unless the entry has been reloaded (or removed) since the hit that asked for it;
	 * the distributed coordinator makes it one per key across instances.
	 * @param task the reload
	 * @throws Exception what the method threw
	 */
	protected void refreshOnce(LoadTask task) throws Exception {
		CacheEntry current = task.lookup();
		if (current == null || task.isSatisfiedBy(current, true)) {
			return;
		}
		this.metrics.recordRefresh(task.cacheName());
		task.loadAndStore();
	}

	private @Nullable Object lead(LoadTask task, Flight flight, boolean takeover) throws Exception {
		LoadTask marked = new MarkingTask(task, flight);
		try {
			Object value = takeover ? marked.loadAndStore() : loadOnce(marked);
			// Completed before it is removed: a caller arriving in between still shares this value.
			flight.result.complete(value);
			this.loading.remove(task.redisKey(), flight);
			return value;
		}
		catch (Throwable ex) {
			// Removed before it fails: its waiters start a new flight instead of finding this failed one again.
			this.loading.remove(task.redisKey(), flight);
			flight.result.completeExceptionally(ex);
			throw ex;
		}
	}

	private @Nullable Object follow(Flight running, long waitingSince)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			if (this.followTimeout == null) {
				return running.result.get();
			}
			long timeout = this.followTimeout.toNanos();
			while (true) {
				long loadingSince = running.loadingSince;
				// Before the leader runs the method it waits for another instance, for a bounded time: wait with it.
				long deadline = ((loadingSince != NOT_LOADING) ? Math.max(waitingSince, loadingSince) : waitingSince)
						+ timeout;
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 && loadingSince != NOT_LOADING) {
					throw new TimeoutException();
				}
				try {
					return running.result.get(Math.max(remaining, MIN_FOLLOW_SLICE_NANOS), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					// Look again: the leader may have started loading meanwhile.
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ex;
		}
	}

	/** One in-JVM load of one key that callers share. */
	private static final class Flight {

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		/** When the leader started running the method ({@link System#nanoTime()}), or {@link #NOT_LOADING}. */
		volatile long loadingSince = NOT_LOADING;

	}

	/** The leader's task: notes in its flight when the method starts running. */
	private static final class MarkingTask implements LoadTask {

		private final LoadTask task;

		private final Flight flight;

		MarkingTask(LoadTask task, Flight flight) {
			this.task = task;
			this.flight = flight;
		}

		@Override
		public String cacheName() {
			return this.task.cacheName();
		}

		@Override
		public String redisKey() {
			return this.task.redisKey();
		}

		@Override
		public @Nullable CacheEntry lookup() {
			return this.task.lookup();
		}

		@Override
		public @Nullable Object loadAndStore() throws Exception {
			this.flight.loadingSince = System.nanoTime();
			return this.task.loadAndStore();
		}

		@Override
		public boolean isSatisfiedBy(CacheEntry current, boolean backgroundReload) {
			return this.task.isSatisfiedBy(current, backgroundReload);
		}

	}

	/** The asynchronous leader's task: notes in its flight when the method starts running. */
	private static final class MarkingAsyncTask implements AsyncLoadTask {

		private final AsyncLoadTask task;

		private final Flight flight;

		MarkingAsyncTask(AsyncLoadTask task, Flight flight) {
			this.task = task;
			this.flight = flight;
		}

		@Override
		public String cacheName() {
			return this.task.cacheName();
		}

		@Override
		public String redisKey() {
			return this.task.redisKey();
		}

		@Override
		public @Nullable CacheEntry lookup() {
			return this.task.lookup();
		}

		@Override
		public CompletableFuture<@Nullable CacheEntry> lookupAsync() {
			return this.task.lookupAsync();
		}

		@Override
		public @Nullable Object loadAndStore() throws Exception {
			this.flight.loadingSince = System.nanoTime();
			return this.task.loadAndStore();
		}

		@Override
		public CompletableFuture<@Nullable Object> loadAndStoreAsync() {
			this.flight.loadingSince = System.nanoTime();
			return this.task.loadAndStoreAsync();
		}

		@Override
		public boolean isSatisfiedBy(CacheEntry current, boolean backgroundReload) {
			return this.task.isSatisfiedBy(current, backgroundReload);
		}

	}

}
