/**
 * Time to live of cache entries: jitter, null TTLs and the stale window.
 */
@NullMarked
package io.cachestarter.ttl;

import org.jspecify.annotations.NullMarked;
