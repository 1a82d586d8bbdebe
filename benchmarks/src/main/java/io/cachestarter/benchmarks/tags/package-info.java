/**
 * Drivers for the numbers in {@code docs/tags-and-write-through.md}: tag memory, invalidation cost, write-through
 * cost.
 */
@NullMarked
package io.cachestarter.benchmarks.tags;

import org.jspecify.annotations.NullMarked;
