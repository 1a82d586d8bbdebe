/**
 * The {@code cachestarter} actuator endpoint: each cache's settings and statistics, and tag invalidation.
 */
@NullMarked
package io.cachestarter.endpoint;

import org.jspecify.annotations.NullMarked;
