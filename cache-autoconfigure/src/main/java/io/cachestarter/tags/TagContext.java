package io.cachestarter.tags;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cachestarter.interceptor.Invocation;
import io.cachestarter.interceptor.InvocationExpressions;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * The tags of the cached call running on the current thread: set by {@link CacheTagsInterceptor} around a method
 * that caches, read by {@link RedisEntryTagging} when the cache misses and writes. A cached method without
 * {@code @CacheTags} sets {@link #NONE}, so that a tagged caller's context never leaks into the caches it calls.
 */
final class TagContext {

	/** A cached call without tags. */
	static final TagContext NONE = new TagContext(new String[0], null, Set.of());

	private static final ThreadLocal<@Nullable TagContext> current = new ThreadLocal<>();

	private final String[] templates;

	private final @Nullable MethodInvocation call;

	private final Set<String> cacheNames;

	private volatile @Nullable EpochMark loadStart;

	/**
	 * Creates a context.
	 * @param templates the tag templates
	 * @param call the call they are evaluated over (only when an entry is written: a hit costs nothing)
	 * @param cacheNames the caches whose entries they tag; empty for any cache
	 */
	TagContext(String[] templates, @Nullable MethodInvocation call, Set<String> cacheNames) {
		this.templates = templates;
		this.call = call;
		this.cacheNames = cacheNames;
	}

	static @Nullable TagContext current() {
		return current.get();
	}

	/**
	 * Makes a context the current one.
	 * @param context the context
	 * @return the one it replaces, to hand back to {@link #restore}
	 */
	static @Nullable TagContext enter(TagContext context) {
		TagContext previous = current.get();
		current.set(context);
		return previous;
	}

	static void restore(@Nullable TagContext previous) {
		if (previous != null) {
			current.set(previous);
		}
		else {
			current.remove();
		}
	}

	/**
	 * Whether entries written to a cache in this context carry tags.
	 * @param cacheName the cache
	 * @return {@code true} if they do
	 */
	boolean tags(String cacheName) {
		return this.templates.length > 0 && (this.cacheNames.isEmpty() || this.cacheNames.contains(cacheName));
	}

	boolean hasTags() {
		return this.templates.length > 0;
	}

	/**
	 * Evaluates this context's templates for a value being cached.
	 * @param expressions the evaluator
	 * @param result the value being cached
	 * @return the tags
	 */
	List<String> evaluate(InvocationExpressions expressions, @Nullable Object result) {
		MethodInvocation call = this.call;
		return (call != null) ? evaluate(expressions, this.templates, Invocation.of(call), result, Map.of())
				: List.of();
	}

	/**
	 * Evaluates this context's templates for one entry of a bulk write: {@code #key} and {@code #value} are the
	 * entry's, and so is {@code #result}, as for a one-key method.
	 * @param expressions the evaluator
	 * @param key the entry's cache key
	 * @param value the value being cached
	 * @return the tags
	 */
	List<String> evaluateEntry(InvocationExpressions expressions, Object key, @Nullable Object value) {
		MethodInvocation call = this.call;
		if (call == null) {
			return List.of();
		}
		Map<String, @Nullable Object> variables = new HashMap<>(4);
		variables.put("key", key);
		variables.put("value", value);
		return evaluate(expressions, this.templates, Invocation.of(call), value, variables);
	}

	/**
	 * Evaluates tag templates; empty results are skipped, duplicates removed.
	 * @param expressions the evaluator
	 * @param templates the templates
	 * @param invocation the call
	 * @param result the method's return value
	 * @return the tags
	 */
	static List<String> evaluate(InvocationExpressions expressions, String[] templates, Invocation invocation,
			@Nullable Object result) {
		return evaluate(expressions, templates, invocation, result, Map.of());
	}

	private static List<String> evaluate(InvocationExpressions expressions, String[] templates, Invocation invocation,
			@Nullable Object result, Map<String, ? extends @Nullable Object> variables) {
		Set<String> tags = new LinkedHashSet<>();
		for (String template : templates) {
			String tag = expressions.template(template, invocation, result, variables);
			if (!tag.isEmpty()) {
				tags.add(tag);
			}
		}
		return List.copyOf(tags);
	}

	/**
	 * Returns when the load of this call began, if it was marked.
	 * @return the mark, or {@code null}
	 */
	@Nullable EpochMark loadStart() {
		return this.loadStart;
	}

	/**
	 * Marks when the load began, unless an earlier mark exists (the earliest is the safe one).
	 * @param mark the invalidation epoch at the start
	 */
	void markLoadStart(EpochMark mark) {
		if (this.loadStart == null) {
			this.loadStart = mark;
		}
	}

	/**
	 * Returns a context with the same tags and load start, for another thread.
	 * @return the copy
	 */
	TagContext copy() {
		TagContext copy = new TagContext(this.templates, this.call, this.cacheNames);
		copy.loadStart = this.loadStart;
		return copy;
	}

}
