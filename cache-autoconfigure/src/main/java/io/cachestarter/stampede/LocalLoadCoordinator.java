package io.cachestarter.stampede;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.metrics.CacheStarterMetrics;
import org.jspecify.annotations.Nullable;

/**
 * Single flight within this JVM only: concurrent misses of one key share one load, and a key has at most one
 * background reload at a time. Used when {@code cache-starter.stampede.enabled=false}, and as the first stage of
 * the distributed coordinator (one lock attempt per key and instance).
 */
public class LocalLoadCoordinator implements LoadCoordinator {

	private static final RateLimitedLog log = new RateLimitedLog(LocalLoadCoordinator.class, Duration.ofSeconds(30));

	private final ConcurrentHashMap<String, CompletableFuture<@Nullable Object>> loading = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	private final Executor reloadExecutor;

	protected final CacheStarterMetrics metrics;

	/**
	 * Creates a coordinator.
	 * @param reloadExecutor runs background reloads; should be bounded and reject when full
	 * @param metrics records waits
	 */
	public LocalLoadCoordinator(Executor reloadExecutor, CacheStarterMetrics metrics) {
		this.reloadExecutor = reloadExecutor;
		this.metrics = metrics;
	}

	@Override
	public @Nullable Object load(LoadTask task) throws Exception {
		CompletableFuture<@Nullable Object> mine = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> running = this.loading.putIfAbsent(task.redisKey(), mine);
		if (running != null) {
			this.metrics.recordStampedeWait(task.cacheName());
			try {
				return join(running);
			}
			catch (InterruptedException ex) {
				throw ex;
			}
			catch (Exception ex) {
				// The loader failed for the caller that ran it: this caller takes over rather than share its error.
				return load(task);
			}
		}
		try {
			Object value = loadOnce(task);
			mine.complete(value);
			return value;
		}
		catch (Throwable ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(task.redisKey(), mine);
		}
	}

	/**
	 * Loads a key for every caller of this JVM; the distributed coordinator adds its lock here.
	 * @param task the load
	 * @return the value
	 * @throws Exception what the method threw
	 */
	protected @Nullable Object loadOnce(LoadTask task) throws Exception {
		return task.loadAndStore();
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
	 * Runs one background reload; the distributed coordinator makes it one per key across instances.
	 * @param task the reload
	 * @throws Exception what the method threw
	 */
	protected void refreshOnce(LoadTask task) throws Exception {
		task.loadAndStore();
	}

	private static @Nullable Object join(CompletableFuture<@Nullable Object> future) throws Exception {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ex;
		}
	}

}
