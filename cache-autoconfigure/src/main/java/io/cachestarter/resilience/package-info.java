/**
 * Resilience: every Redis call of the starter is guarded, so a Redis outage never reaches the caller.
 */
@NullMarked
package io.cachestarter.resilience;

import org.jspecify.annotations.NullMarked;
