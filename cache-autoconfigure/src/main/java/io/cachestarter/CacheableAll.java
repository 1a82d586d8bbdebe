package io.cachestarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Caches a method that loads many values at once, one entry per key, in the same entries as a one-key
 * {@code @Cacheable} method of the same cache:
 *
 * <pre class="code">
 * &#64;CacheableAll("products")
 * Map&lt;Long, Product&gt; findAll(Collection&lt;Long&gt; ids);
 *
 * &#64;Cacheable("products")
 * Product find(Long id); // reads and writes the same entries
 * </pre>
 *
 * The method's first parameter holds the keys (a {@link java.util.Collection} or an array) and it returns a
 * {@link java.util.Map} from key to value; anything else fails at start-up, naming the method. A call reads the
 * cached keys in one round trip per Redis node ({@code MGET}, by hash slot on a cluster) after the near cache; the
 * method then runs once with only the missing keys, in request order and without duplicates (not at all when none is
 * missing); what it returns is written back in one pipelined round trip per node, each entry a {@code SET} with its
 * own jittered TTL. The caller gets a {@link java.util.LinkedHashMap} of every requested key that has a value, in
 * request order. A requested key that the method's map leaves out is cached as {@code null} when the cache caches
 * nulls (and is absent from the result); keys the method returns that were not asked for are ignored.
 * <p>
 * The keys are the elements themselves, turned into Redis keys as a one-argument {@code @Cacheable} method's argument
 * is; the method's other parameters are passed through and are not part of the key. When Redis fails, the method
 * runs for every key and no error reaches the caller. Inside a transaction the write-back happens after commit, as a
 * put does. {@link CacheTags @CacheTags} tags each entry, with {@code #key} and {@code #value} (and {@code #result})
 * being the entry's.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CacheableAll {

	/**
	 * Alias for {@link #cacheName()}.
	 * @return the cache name
	 */
	@AliasFor("cacheName")
	String value() default "";

	/**
	 * The cache whose entries the method reads and writes (one cache).
	 * @return the cache name
	 */
	@AliasFor("value")
	String cacheName() default "";

}
