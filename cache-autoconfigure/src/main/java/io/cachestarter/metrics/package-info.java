/**
 * Metrics of cache-starter: what each capability counts, and the Micrometer meters that publish it.
 */
@NullMarked
package io.cachestarter.metrics;

import org.jspecify.annotations.NullMarked;
