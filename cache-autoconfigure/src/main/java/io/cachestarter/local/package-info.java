/**
 * The L1 near cache: Caffeine in front of Redis in each instance, kept coherent across instances by invalidation
 * messages over Redis pub/sub, and bypassed whenever those messages might be missed.
 */
@NullMarked
package io.cachestarter.local;

import org.jspecify.annotations.NullMarked;
