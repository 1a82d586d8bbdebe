package io.cachestarter;

/**
 * Removes cached entries by tag. The starter provides one bean of this type; inject it wherever an invalidation is
 * decided at run time rather than by an {@link InvalidateTags} annotation.
 */
@FunctionalInterface
public interface TagInvalidator {

	/**
	 * Removes every entry carrying any of the given tags, in every cache, at once (not after a transaction commit).
	 * Never throws because of Redis: if Redis is unreachable the invalidation is kept and applied when it returns,
	 * and this call returns {@code 0}.
	 * @param tags the tags, as {@link CacheTags} wrote them
	 * @return how many entries were removed
	 */
	long invalidate(String... tags);

}
