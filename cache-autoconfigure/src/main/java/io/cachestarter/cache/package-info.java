/**
 * The Redis cache itself: the cache manager, the cache, its key layout, and the small interfaces through which it
 * calls the capabilities (loading, tagging, metrics), which implement them.
 */
@NullMarked
package io.cachestarter.cache;

import org.jspecify.annotations.NullMarked;
