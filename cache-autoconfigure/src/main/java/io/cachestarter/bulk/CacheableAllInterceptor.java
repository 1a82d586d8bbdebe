package io.cachestarter.bulk;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.cachestarter.CacheableAll;
import io.cachestarter.cache.BulkRead;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.interceptor.AfterCommit;
import io.cachestarter.interceptor.MethodAnnotations;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;

/**
 * Serves a call to a {@link CacheableAll @CacheableAll} method from its cache: reads every requested key at once
 * ({@link StarterRedisCache#getAll}), runs the method once with only the missing keys (not at all when none is
 * missing), writes what it returned back at once ({@link StarterRedisCache#putAll}), and returns a
 * {@link LinkedHashMap} of every requested key that has a value, in request order.
 * <p>
 * The write-back is a put: inside a transaction (with a transaction-aware cache manager) it runs after commit, in the
 * call's tag context, and not at all on rollback. A method that throws writes nothing. A call whose keys argument is
 * {@code null} runs the method uncached.
 * <p>
 * It must run inside the {@code @CacheTags} advisor (a higher order), so that the cache sees the call's tags, and
 * inside the transaction interceptor, so that it sees the transaction.
 */
public final class CacheableAllInterceptor implements MethodInterceptor {

	/** Order of the after-commit write-back among a transaction's synchronizations: after tag invalidations. */
	public static final int SYNCHRONIZATION_ORDER = 10;

	private final Supplier<StarterCacheManager> cacheManager;

	private final MethodAnnotations<CacheableAll> annotations = new MethodAnnotations<>(CacheableAll.class);

	private final Map<MethodClassKey, Optional<BulkMethod>> methods = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor.
	 * @param cacheManager the cache manager, looked up when first needed
	 */
	public CacheableAllInterceptor(Supplier<StarterCacheManager> cacheManager) {
		this.cacheManager = cacheManager;
	}

	/**
	 * Whether a method called on a target class carries {@code @CacheableAll}. Called when beans are proxied, that is
	 * at start-up: a method that breaks the rules fails it.
	 * @param method the method
	 * @param targetClass the target's class
	 * @return {@code true} if this interceptor applies
	 * @throws InvalidCacheableAllMethodException if the method carries the annotation but cannot be cached
	 */
	public boolean matches(Method method, @Nullable Class<?> targetClass) {
		return method(method, targetClass) != null;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		BulkMethod method = method(invocation.getMethod(), (target != null) ? AopUtils.getTargetClass(target) : null);
		@Nullable Object[] arguments = invocation.getArguments();
		if (method == null || arguments[0] == null) {
			return invocation.proceed();
		}
		List<Object> keys = BulkMethod.keys(arguments[0]);
		Map<Object, Object> values = new LinkedHashMap<>();
		if (keys.isEmpty()) {
			return values;
		}
		StarterCacheManager cacheManager = this.cacheManager.get();
		StarterRedisCache cache = cacheManager.getStarterCache(method.cacheName());
		BulkRead read = cache.getAll(keys);
		Map<?, ?> loaded = read.misses().isEmpty() ? Map.of() : load(invocation, method, cache, read);
		for (Object key : keys) {
			Object value = read.hits().containsKey(key) ? read.hits().get(key) : loaded.get(key);
			if (value != null) {
				values.put(key, value);
			}
		}
		return values;
	}

	/** Runs the method with the missing keys, and writes what it returned back unless Redis just failed. */
	private Map<?, ?> load(MethodInvocation invocation, BulkMethod method, StarterRedisCache cache, BulkRead read)
			throws Throwable {
		invocation.getArguments()[0] = method.keysArgument(read.misses());
		long start = System.nanoTime();
		Object result = invocation.proceed();
		cache.recordLoad(System.nanoTime() - start);
		Map<?, ?> loaded = (result instanceof Map<?, ?> map) ? map : Map.of();
		if (read.redisFailed()) {
			// The call waits for Redis at most once.
			return loaded;
		}
		Map<Object, @Nullable Object> writes = new LinkedHashMap<>();
		for (Object key : read.misses()) {
			writes.put(key, loaded.get(key));
		}
		if (!this.cacheManager.get().isTransactionAware()) {
			cache.putAll(writes);
		}
		else {
			AfterCommit.run(this.cacheManager.get().getServices().tagging().propagate(() -> cache.putAll(writes)),
					SYNCHRONIZATION_ORDER);
		}
		return loaded;
	}

	private @Nullable BulkMethod method(Method method, @Nullable Class<?> targetClass) {
		return this.methods.computeIfAbsent(new MethodClassKey(method, targetClass), (key) -> {
			CacheableAll annotation = this.annotations.find(method, targetClass);
			if (annotation == null) {
				return Optional.empty();
			}
			Method specific = BridgeMethodResolver
				.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
			return Optional.of(BulkMethod.of(specific, annotation));
		}).orElse(null);
	}

}
