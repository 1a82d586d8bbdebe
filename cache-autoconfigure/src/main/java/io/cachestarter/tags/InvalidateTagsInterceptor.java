package io.cachestarter.tags;

import java.util.List;
import java.util.function.Supplier;

import io.cachestarter.InvalidateTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.interceptor.AbstractAfterReturningInterceptor;
import io.cachestarter.interceptor.AfterCommit;
import io.cachestarter.interceptor.Invocation;
import io.cachestarter.interceptor.InvocationExpressions;
import org.jspecify.annotations.Nullable;

/**
 * Invalidates the {@link InvalidateTags @InvalidateTags} of a method after it returns normally: at once, or after
 * commit when transaction synchronization is active (never on rollback, never when the method throws).
 * <p>
 * The templates are evaluated when the method returns, inside its transaction; an expression that fails is a
 * programming error and propagates (rolling the transaction back), rather than silently skipping an invalidation.
 * <p>
 * Its after-commit invalidation runs before the starter's write-through writes and Spring's deferred cache puts of
 * the same transaction, so that entries written after commit are not removed again.
 */
public final class InvalidateTagsInterceptor extends AbstractAfterReturningInterceptor<InvalidateTags> {

	/** Order of the after-commit invalidation among the transaction's synchronizations. */
	public static final int SYNCHRONIZATION_ORDER = 0;

	private final InvocationExpressions expressions;

	private final Supplier<TagInvalidator> invalidator;

	/**
	 * Creates the interceptor.
	 * @param expressions evaluates the templates
	 * @param invalidator the invalidator, looked up when first needed
	 */
	public InvalidateTagsInterceptor(InvocationExpressions expressions, Supplier<TagInvalidator> invalidator) {
		super(InvalidateTags.class);
		this.expressions = expressions;
		this.invalidator = invalidator;
	}

	@Override
	protected void afterReturning(InvalidateTags annotation, Invocation call, @Nullable Object result) {
		List<String> tags = TagContext.evaluate(this.expressions, annotation.value(), call, result);
		if (!tags.isEmpty()) {
			String[] invalidated = tags.toArray(new String[0]);
			AfterCommit.run(() -> this.invalidator.get().invalidate(invalidated), SYNCHRONIZATION_ORDER);
		}
	}

}
