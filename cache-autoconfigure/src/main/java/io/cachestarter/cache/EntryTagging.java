package io.cachestarter.cache;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * How the cache lets tags ride along with its writes. The cache calls it on every miss and every write; when the
 * current call carries no {@code @CacheTags}, each method must return at once.
 */
public interface EntryTagging {

	/** No tagging: the cache writes plain entries. */
	EntryTagging NONE = new EntryTagging() {
	};

	/**
	 * Called on a miss, before the cached method runs: marks when the load began, so that an invalidation after
	 * that moment keeps the loaded value from being served.
	 */
	default void beforeLoad() {
	}

	/**
	 * Prepares the tags of an entry about to be written, if the current call carries any.
	 * @param cacheName the cache
	 * @param redisKey the entry's Redis key
	 * @param value the value being cached (the {@code #result} of tag templates)
	 * @param redisTtlMillis how long the entry will live in Redis
	 * @return the tagged write, or {@code null} when the entry carries no tags
	 */
	default @Nullable TaggedWrite prepare(String cacheName, String redisKey, @Nullable Object value,
			long redisTtlMillis) {
		return null;
	}

	/**
	 * Prepares the tags of one entry of a bulk write ({@code @CacheableAll}), if the current call carries any: as
	 * {@link #prepare(String, String, Object, long)}, with the entry's own key and value for the templates
	 * ({@code #key}, {@code #value}; {@code #result} is the value too, as for a one-key method).
	 * @param cacheName the cache
	 * @param redisKey the entry's Redis key
	 * @param key the entry's cache key
	 * @param value the value being cached
	 * @param redisTtlMillis how long the entry will live in Redis
	 * @return the tagged write, or {@code null} when the entry carries no tags
	 */
	default @Nullable TaggedWrite prepareEntry(String cacheName, String redisKey, Object key, @Nullable Object value,
			long redisTtlMillis) {
		return prepare(cacheName, redisKey, value, redisTtlMillis);
	}

	/**
	 * Wraps a background reload so that it carries the current call's tag context to the thread that runs it.
	 * @param <T> the result type
	 * @param task the reload
	 * @return the task to run instead
	 */
	default <T> Callable<T> propagate(Callable<T> task) {
		return task;
	}

	/**
	 * Wraps a write that runs later (after commit) so that it carries the current call's tag context, as
	 * {@link #propagate(Callable)} does.
	 * @param task the write
	 * @return the write to run instead
	 */
	default Runnable propagate(Runnable task) {
		Callable<@Nullable Object> propagated = propagate(() -> {
			task.run();
			return null;
		});
		return () -> {
			try {
				propagated.call();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	/**
	 * Captures the current call's tag context, so that later steps of the same call that run on other threads (the
	 * asynchronous face: the load of a miss, the write of its result) run in it and share its load start.
	 * @return the captured context; {@link Captured#NONE} when the call carries no tags
	 */
	default Captured capture() {
		return Captured.NONE;
	}

	/**
	 * A call's tag context, captured on the caller's thread.
	 */
	@FunctionalInterface
	interface Captured {

		/** No tag context: tasks run as they are. */
		Captured NONE = Callable::call;

		/**
		 * Runs a task in the captured context.
		 * @param <T> the result type
		 * @param task the task
		 * @return its result
		 * @throws Exception what the task threw
		 */
		<T> T call(Callable<T> task) throws Exception;

	}

	/**
	 * The two halves of writing a tagged entry, around the cache's own {@code SET}.
	 */
	interface TaggedWrite {

		/**
		 * Adds the entry to its tag sets and checks that none of its tags was invalidated since the load began.
		 * @return {@code false} if the entry must not be written
		 */
		boolean beforeWrite();

		/**
		 * Checks again after the write, and removes the entry if one of its tags was invalidated meanwhile.
		 * @return {@code false} if the entry was removed again
		 */
		boolean afterWrite();

	}

}
