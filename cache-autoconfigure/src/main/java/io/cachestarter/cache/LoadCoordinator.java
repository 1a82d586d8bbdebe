package io.cachestarter.cache;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Decides who loads a key and who waits. The cache calls it for every miss of {@code @Cacheable(sync = true)}, on
 * its synchronous face ({@link #load}) and its asynchronous one ({@link #loadAsync}), and for every background reload
 * (refresh-ahead, serve-stale). Loads of one key share one flight whichever face they come from.
 */
public interface LoadCoordinator {

	/**
	 * Loads a missing key, running {@link LoadTask#loadAndStore()} as few times as possible for concurrent callers.
	 * @param task the load
	 * @return the loaded value (a waiter receives the value another caller loaded)
	 * @throws Exception what the method threw, for the caller that ran it
	 */
	@Nullable Object load(LoadTask task) throws Exception;

	/**
	 * Loads a missing key like {@link #load}, without blocking the calling thread and without parking a thread while
	 * another caller loads: waiting is a future.
	 * @param task the load
	 * @return the loaded value (a waiter receives the value another caller loaded), or what the method failed with
	 */
	CompletableFuture<@Nullable Object> loadAsync(AsyncLoadTask task);

	/**
	 * Starts a background reload of a key that is still served, unless one is already running for that key.
	 * Returns at once; a failed reload leaves the old value in place.
	 * @param task the reload
	 */
	void refresh(LoadTask task);

}
