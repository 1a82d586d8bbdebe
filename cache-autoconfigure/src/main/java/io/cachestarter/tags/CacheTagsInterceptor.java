package io.cachestarter.tags;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.WriteThrough;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.interceptor.MethodAnnotations;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheEvictOperation;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.core.MethodClassKey;

/**
 * Sets the tag context of a call to a method that caches ({@code @Cacheable}, {@code @CachePut},
 * {@code @WriteThrough}, {@code @CacheableAll}) for as long as it runs, so that the cache tags the entry it writes with the method's
 * {@link CacheTags @CacheTags}. A caching method without {@code @CacheTags} gets an empty context, so a tagged
 * caller's tags never reach the caches it calls.
 * <p>
 * It must run outside Spring's cache interceptor (a lower order): the cache reads the context on a miss, before the
 * method runs, and when it writes. A {@code @Cacheable} load counts from its miss; a tagged method that writes
 * without a lookup ({@code @CachePut}, {@code @WriteThrough}) counts from the moment it is called, so that an
 * invalidation while it runs keeps its result out of the cache too.
 */
public final class CacheTagsInterceptor implements MethodInterceptor {

	private final Supplier<EntryTagging> tagging;

	private final MethodAnnotations<CacheTags> cacheTags = new MethodAnnotations<>(CacheTags.class);

	private final MethodAnnotations<WriteThrough> writeThrough = new MethodAnnotations<>(WriteThrough.class);

	private final MethodAnnotations<CacheableAll> cacheableAll = new MethodAnnotations<>(CacheableAll.class);

	private final CacheOperationSource cacheOperations = new AnnotationCacheOperationSource(false);

	private final Map<MethodClassKey, Optional<Plan>> plans = new ConcurrentHashMap<>();

	/**
	 * The plan of each method for the first target class it was called on: a proxy passes the same {@code Method}
	 * on every call, so this lookup needs no key object (it runs on every cache hit).
	 */
	private final Map<Method, PlanForClass> plansByMethod = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor.
	 * @param tagging marks when a tagged write without a lookup begins, looked up when first needed
	 */
	public CacheTagsInterceptor(Supplier<EntryTagging> tagging) {
		this.tagging = tagging;
	}

	/**
	 * Whether a method called on a target class caches, or carries tags.
	 * @param method the method
	 * @param targetClass the target's class
	 * @return {@code true} if this interceptor applies
	 */
	public boolean matches(Method method, @Nullable Class<?> targetClass) {
		return plan(method, targetClass) != null;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Plan plan = plan(invocation.getMethod(), (target != null) ? AopUtils.getTargetClass(target) : null);
		boolean tagged = plan != null && plan.templates().length > 0;
		if (plan == null || (!tagged && TagContext.current() == null)) {
			// Nothing to tag, and no tagged caller whose tags this call must not carry.
			return invocation.proceed();
		}
		TagContext context = tagged ? new TagContext(plan.templates(), invocation, plan.cacheNames())
				: TagContext.NONE;
		TagContext previous = TagContext.enter(context);
		try {
			if (plan.marksOnEntry()) {
				this.tagging.get().beforeLoad();
			}
			return invocation.proceed();
		}
		finally {
			TagContext.restore(previous);
		}
	}

	private @Nullable Plan plan(Method method, @Nullable Class<?> targetClass) {
		PlanForClass known = this.plansByMethod.get(method);
		if (known != null && known.targetClass() == targetClass) {
			return known.plan();
		}
		Plan plan = this.plans
			.computeIfAbsent(new MethodClassKey(method, targetClass),
					(key) -> Optional.ofNullable(createPlan(method, targetClass)))
			.orElse(null);
		if (known == null) {
			this.plansByMethod.putIfAbsent(method, new PlanForClass(targetClass, plan));
		}
		return plan;
	}

	private record PlanForClass(@Nullable Class<?> targetClass, @Nullable Plan plan) {
	}

	private @Nullable Plan createPlan(Method method, @Nullable Class<?> targetClass) {
		Set<String> cacheNames = new LinkedHashSet<>();
		boolean caches = false;
		boolean anyCache = false;
		boolean writesWithoutLookup = false;
		Collection<CacheOperation> operations = this.cacheOperations.getCacheOperations(method, targetClass);
		if (operations != null) {
			for (CacheOperation operation : operations) {
				if (!(operation instanceof CacheEvictOperation)) {
					caches = true;
					anyCache |= operation.getCacheNames().isEmpty();
					writesWithoutLookup |= operation instanceof CachePutOperation;
					cacheNames.addAll(operation.getCacheNames());
				}
			}
		}
		WriteThrough write = this.writeThrough.find(method, targetClass);
		if (write != null) {
			caches = true;
			writesWithoutLookup = true;
			cacheNames.add(write.cache());
		}
		CacheableAll bulk = this.cacheableAll.find(method, targetClass);
		if (bulk != null) {
			// Loads from its misses, like @Cacheable.
			caches = true;
			cacheNames.add(bulk.value());
		}
		CacheTags tags = this.cacheTags.find(method, targetClass);
		if (tags == null) {
			return caches ? new Plan(new String[0], Set.of(), false) : null;
		}
		// Caches named by a custom resolver are unknown here: tag whatever the call writes.
		return new Plan(tags.value(), (anyCache || !caches) ? Set.of() : Set.copyOf(cacheNames),
				writesWithoutLookup && tags.value().length > 0);
	}

	/**
	 * What a method's calls need.
	 * @param templates the tag templates
	 * @param cacheNames the caches they tag, empty for any
	 * @param marksOnEntry whether the call marks its start when it begins, rather than on a miss
	 */
	private record Plan(String[] templates, Set<String> cacheNames, boolean marksOnEntry) {
	}

}
