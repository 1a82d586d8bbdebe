package io.cachestarter.cache;

import java.util.concurrent.CompletableFuture;

import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * One load of one cache key from the asynchronous face ({@code Cache.retrieve(key, loader)}): the cached method
 * returns a future, and so do its steps. Its synchronous steps ({@link #lookup()}, {@link #loadAndStore()}) serve
 * background reloads, which run on the starter's own reload threads.
 */
public interface AsyncLoadTask extends LoadTask {

	/**
	 * Reads the entry from Redis without blocking. Never fails: an unreachable Redis or an unreadable value is
	 * {@code null}.
	 * @return the entry, or {@code null} when there is none
	 */
	CompletableFuture<@Nullable CacheEntry> lookupAsync();

	/**
	 * Runs the cached method and writes its result to the cache; completes once the write has reached Redis (or
	 * failed into the fallback).
	 * @return the method's result, or what it failed with
	 */
	CompletableFuture<@Nullable Object> loadAndStoreAsync();

}
