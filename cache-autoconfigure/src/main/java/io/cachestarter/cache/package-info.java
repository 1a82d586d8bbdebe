/**
 * The Redis cache itself: the cache manager, the cache, its key layout and its Redis commands.
 */
@NullMarked
package io.cachestarter.cache;

import org.jspecify.annotations.NullMarked;
