/**
 * Measurements of the L1 near cache across instances: the invalidation delay from a write on one instance until
 * another no longer serves the old value.
 */
@NullMarked
package io.cachestarter.benchmarks.local;

import org.jspecify.annotations.NullMarked;
