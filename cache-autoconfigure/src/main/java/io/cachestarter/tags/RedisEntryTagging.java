package io.cachestarter.tags;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.interceptor.InvocationExpressions;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.ExpressionException;

/**
 * Tags entries in Redis sets, race-free against invalidations, for calls that {@link CacheTagsInterceptor} marked.
 * <p>
 * The protocol, all of whose commands touch one key each (so it holds on Redis Cluster):
 * <ol>
 * <li>on a miss, before the method runs, the current invalidation epoch is read (the load's start);</li>
 * <li>before the entry is written, the epochs of its tags are compared with the start: if one was invalidated
 * since, the entry is not written (and its key is removed);</li>
 * <li>after the write, the entry joins its tag sets (each set's TTL raised to outlive it) and the epochs are
 * compared again: an invalidation that raced with the write removes the entry.</li>
 * </ol>
 * An invalidation raises the epoch before it removes a set's members, so every interleaving ends with the entry
 * either removed or never written. Any Redis failure on the way also removes the entry (through the guard, so the
 * removal is replayed if Redis is down): an entry is never left untagged.
 */
public final class RedisEntryTagging implements EntryTagging {

	private static final RateLimitedLog log = new RateLimitedLog(RedisEntryTagging.class, Duration.ofSeconds(30));

	private final TagStore store;

	private final RedisGuard guard;

	private final InvocationExpressions expressions;

	private final CacheStarterMetrics metrics;

	/**
	 * Creates the tagging.
	 * @param store the tag sets and epochs
	 * @param guard runs every Redis call
	 * @param expressions evaluates tag templates
	 * @param metrics counts templates that fail
	 */
	public RedisEntryTagging(TagStore store, RedisGuard guard, InvocationExpressions expressions,
			CacheStarterMetrics metrics) {
		this.store = store;
		this.guard = guard;
		this.expressions = expressions;
		this.metrics = metrics;
	}

	@Override
	public void beforeLoad() {
		TagContext context = TagContext.current();
		if (context != null && context.hasTags() && context.loadStart() == null) {
			context.markLoadStart(mark(""));
		}
	}

	@Override
	public @Nullable TaggedWrite prepare(String cacheName, String redisKey, @Nullable Object value,
			long redisTtlMillis) {
		return prepare(cacheName, redisKey, redisTtlMillis, (context) -> context.evaluate(this.expressions, value));
	}

	@Override
	public @Nullable TaggedWrite prepareEntry(String cacheName, String redisKey, Object key, @Nullable Object value,
			long redisTtlMillis) {
		return prepare(cacheName, redisKey, redisTtlMillis,
				(context) -> context.evaluateEntry(this.expressions, key, value));
	}

	private @Nullable TaggedWrite prepare(String cacheName, String redisKey, long redisTtlMillis,
			Function<TagContext, List<String>> evaluation) {
		TagContext context = TagContext.current();
		if (context == null || !context.tags(cacheName)) {
			return null;
		}
		List<String> tags;
		try {
			tags = evaluation.apply(context);
		}
		catch (ExpressionException | IllegalStateException ex) {
			this.metrics.recordError(cacheName, "tags");
			log.warn("tags:" + cacheName, () -> "Cannot evaluate the @CacheTags of an entry of cache '" + cacheName
					+ "'; the entry is not cached", ex);
			return new RefusedWrite(cacheName, redisKey);
		}
		return tags.isEmpty() ? null : new Write(cacheName, redisKey, tags, redisTtlMillis, context.loadStart());
	}

	@Override
	public <T> Callable<T> propagate(Callable<T> task) {
		TagContext context = TagContext.current();
		if (context == null) {
			return task;
		}
		TagContext carried = context.copy();
		return () -> {
			TagContext previous = TagContext.enter(carried);
			try {
				// A reload that did not start from a miss marks its own start.
				beforeLoad();
				return task.call();
			}
			finally {
				TagContext.restore(previous);
			}
		};
	}

	@Override
	public Captured capture() {
		TagContext context = TagContext.current();
		if (context == null) {
			return Captured.NONE;
		}
		TagContext carried = context.copy();
		return new Captured() {

			@Override
			public <T> T call(Callable<T> task) throws Exception {
				TagContext previous = TagContext.enter(carried);
				try {
					return task.call();
				}
				finally {
					TagContext.restore(previous);
				}
			}

		};
	}

	private EpochMark mark(String cacheName) {
		return this.guard.call(cacheName, RedisOperation.TAG, this.store::mark, () -> EpochMark.UNKNOWN);
	}

	private void remove(String cacheName, String redisKey) {
		byte[] key = redisKey.getBytes(StandardCharsets.UTF_8);
		this.guard.remove(cacheName, RedisOperation.EVICT, () -> this.store.deleteEntries(List.of(key)));
	}

	/** A tagged write, checked against invalidations before and after the cache's {@code SET}. */
	private final class Write implements TaggedWrite {

		private final String cacheName;

		private final String redisKey;

		private final List<String> tags;

		private final long redisTtlMillis;

		private @Nullable EpochMark start;

		Write(String cacheName, String redisKey, List<String> tags, long redisTtlMillis, @Nullable EpochMark start) {
			this.cacheName = cacheName;
			this.redisKey = redisKey;
			this.tags = tags;
			this.redisTtlMillis = redisTtlMillis;
			this.start = start;
		}

		@Override
		public boolean beforeWrite() {
			EpochMark start = this.start;
			if (start == null) {
				// No load or call marked this write (a put without @CacheTags' interceptor): it counts from now.
				this.start = mark(this.cacheName);
				return this.start != EpochMark.UNKNOWN || refuse();
			}
			boolean invalidated = RedisEntryTagging.this.guard.call(this.cacheName, RedisOperation.TAG,
					() -> RedisEntryTagging.this.store.invalidatedSince(start, this.tags), () -> true);
			return !invalidated || refuse();
		}

		@Override
		public boolean afterWrite() {
			EpochMark start = (this.start != null) ? this.start : EpochMark.UNKNOWN;
			boolean valid = RedisEntryTagging.this.guard.call(this.cacheName, RedisOperation.TAG, () -> {
				RedisEntryTagging.this.store.add(this.redisKey, this.tags, this.redisTtlMillis);
				return !RedisEntryTagging.this.store.invalidatedSince(start, this.tags);
			}, () -> false);
			if (!valid) {
				remove(this.cacheName, this.redisKey);
			}
			return valid;
		}

		/** An entry that is not written must not leave an older value under its key either. */
		private boolean refuse() {
			remove(this.cacheName, this.redisKey);
			return false;
		}

	}

	/** The write of an entry whose tags could not be evaluated: it is not cached. */
	private final class RefusedWrite implements TaggedWrite {

		private final String cacheName;

		private final String redisKey;

		RefusedWrite(String cacheName, String redisKey) {
			this.cacheName = cacheName;
			this.redisKey = redisKey;
		}

		@Override
		public boolean beforeWrite() {
			remove(this.cacheName, this.redisKey);
			return false;
		}

		@Override
		public boolean afterWrite() {
			return false;
		}

	}

}
