/**
 * Health: the {@code cacheStarter} health component, which reports Redis and the circuit breaker without ever
 * failing the application's aggregate health.
 */
@NullMarked
package io.cachestarter.health;

import org.jspecify.annotations.NullMarked;
