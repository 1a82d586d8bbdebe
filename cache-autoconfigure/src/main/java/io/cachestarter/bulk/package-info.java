/**
 * Multi-key reads: {@code @CacheableAll} methods, served from the cache in one round trip per Redis node.
 */
@NullMarked
package io.cachestarter.bulk;

import org.jspecify.annotations.NullMarked;
