/**
 * Write-through: {@code @WriteThrough} methods write their result into a cache after commit, versioned writes as a
 * compare-and-set in Redis.
 */
@NullMarked
package io.cachestarter.writethrough;

import org.jspecify.annotations.NullMarked;
