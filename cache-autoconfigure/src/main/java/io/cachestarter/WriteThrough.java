package io.cachestarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Writes the annotated method's result into a cache after the method returns normally, and after commit when a
 * transaction is active (nothing on rollback or exception). Use it on methods that save what readers look up, so
 * that correctness-sensitive reads see the new value at once.
 * <p>
 * With {@link #version()}, the write is a compare-and-set in Redis: it never replaces an entry of a higher version,
 * so racing writers converge on the newest value. If the cache write fails, the key is removed, or its removal is
 * replayed once Redis is back, so an older value is never served again.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface WriteThrough {

	/**
	 * The cache to write to.
	 * @return the cache name
	 */
	String cache();

	/**
	 * SpEL expression for the cache key, over the method's parameters, {@code #result} and {@code #root}.
	 * @return the key expression
	 */
	String key();

	/**
	 * Optional SpEL expression giving the entry's version as a number (for example {@code #result.version}); empty
	 * for an unconditional write.
	 * @return the version expression
	 */
	String version() default "";

}
