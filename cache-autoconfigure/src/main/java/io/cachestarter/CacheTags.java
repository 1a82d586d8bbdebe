package io.cachestarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tags the entry that a {@code @Cacheable} or {@code @CachePut} method caches, so that
 * {@link InvalidateTags @InvalidateTags} or {@link TagInvalidator} can later remove it together with every other
 * entry carrying the same tag, in any cache.
 * <p>
 * Each value is a template: literal text with {@code #{...}} SpEL parts. The expressions see the method's
 * parameters by name (and as {@code #p0}/{@code #a0}), the return value as {@code #result} and the invocation as
 * {@code #root}. For example {@code @CacheTags({"catalog", "category:#{#result.category}"})}.
 * <p>
 * A template that evaluates to an empty string is skipped. An entry whose load began before an invalidation of one
 * of its tags is never served after that invalidation.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CacheTags {

	/**
	 * The tag templates.
	 * @return the templates, evaluated when the entry is cached
	 */
	String[] value();

}
