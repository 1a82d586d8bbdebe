package io.cachestarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes every cached entry carrying any of the given tags, in every cache, after the annotated method returns
 * normally. When a transaction is active the removal happens after it commits; nothing happens on rollback or when
 * the method throws.
 * <p>
 * Values are templates like those of {@link CacheTags}: literal text with {@code #{...}} SpEL parts over the method's
 * parameters, {@code #result} and {@code #root}. If Redis is unreachable the invalidation is kept and applied when it
 * returns.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface InvalidateTags {

	/**
	 * The tag templates.
	 * @return the templates, evaluated after the method returned
	 */
	String[] value();

}
