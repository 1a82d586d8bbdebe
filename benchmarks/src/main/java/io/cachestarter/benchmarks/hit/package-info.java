/**
 * JMH benchmarks of a cache hit and of a miss's own overhead: cache-starter against Spring Boot's plain Redis cache,
 * a raw Lettuce GET and an in-process Caffeine cache, in one run against one redis-server.
 */
@NullMarked
package io.cachestarter.benchmarks.hit;

import org.jspecify.annotations.NullMarked;
