/**
 * JMH benchmark of a multi-key read: one {@code @CacheableAll} call against a loop of {@code @Cacheable} calls, with
 * half of the keys cached.
 */
@NullMarked
package io.cachestarter.benchmarks.bulk;

import org.jspecify.annotations.NullMarked;
