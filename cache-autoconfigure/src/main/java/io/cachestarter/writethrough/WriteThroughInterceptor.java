package io.cachestarter.writethrough;

import java.util.function.Supplier;

import io.cachestarter.WriteThrough;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.interceptor.AbstractAfterReturningInterceptor;
import io.cachestarter.interceptor.AfterCommit;
import io.cachestarter.interceptor.Invocation;
import io.cachestarter.interceptor.InvocationExpressions;
import org.jspecify.annotations.Nullable;

/**
 * Writes the result of a {@link WriteThrough @WriteThrough} method into its cache after the method returns
 * normally: at once, or after commit when transaction synchronization is active (never on rollback, never when the
 * method throws).
 * <p>
 * With a {@code version}, the write is {@link StarterRedisCache#putIfNewer} (a compare-and-set script: it never
 * replaces an entry of a higher version); a {@code null} version removes the key instead, since it cannot be
 * ordered. Without one, it is a plain put. Either way, a write that fails removes the key, or replays its removal
 * once Redis is back. If the method also carries {@code @CacheTags}, the written entry is tagged.
 * <p>
 * The key and version are evaluated when the method returns, inside its transaction; an expression that fails (or a
 * {@code null} key) is a programming error and propagates, rolling the transaction back.
 */
public final class WriteThroughInterceptor extends AbstractAfterReturningInterceptor<WriteThrough> {

	/** Order of the after-commit write among the transaction's synchronizations: after tag invalidations. */
	public static final int SYNCHRONIZATION_ORDER = 10;

	private final InvocationExpressions expressions;

	private final Supplier<StarterCacheManager> cacheManager;

	private final Supplier<EntryTagging> tagging;

	/**
	 * Creates the interceptor.
	 * @param expressions evaluates keys and versions
	 * @param cacheManager the cache manager, looked up when first needed
	 * @param tagging carries the call's tags to the write
	 */
	public WriteThroughInterceptor(InvocationExpressions expressions, Supplier<StarterCacheManager> cacheManager,
			Supplier<EntryTagging> tagging) {
		super(WriteThrough.class);
		this.expressions = expressions;
		this.cacheManager = cacheManager;
		this.tagging = tagging;
	}

	@Override
	protected void afterReturning(WriteThrough annotation, Invocation call, @Nullable Object result) {
		Object key = this.expressions.value(annotation.key(), call, result);
		if (key == null) {
			throw new IllegalArgumentException(
					"@WriteThrough key '" + annotation.key() + "' of " + call.getMethod() + " evaluated to null");
		}
		StarterRedisCache cache = this.cacheManager.get().getStarterCache(annotation.cache());
		Runnable write = annotation.version().isEmpty() ? () -> cache.putOrRemove(key, result)
				: versionedWrite(cache, key, result, this.expressions.value(annotation.version(), call, result));
		AfterCommit.run(this.tagging.get().propagate(write), SYNCHRONIZATION_ORDER);
	}

	private static Runnable versionedWrite(StarterRedisCache cache, Object key, @Nullable Object value,
			@Nullable Object version) {
		if (version == null) {
			return () -> cache.evict(key);
		}
		long number = toLong(version);
		return () -> cache.putIfNewer(key, value, number);
	}

	private static long toLong(Object version) {
		if (version instanceof Number number) {
			return number.longValue();
		}
		if (version instanceof CharSequence text) {
			return Long.parseLong(text.toString());
		}
		throw new IllegalArgumentException(
				"@WriteThrough version must be a number, not a " + version.getClass().getName());
	}

}
