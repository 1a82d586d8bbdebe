/**
 * The failover drill: a primary of a Redis Cluster or a Sentinel group killed or frozen under load.
 */
@NullMarked
package io.cachestarter.benchmarks.failover;

import org.jspecify.annotations.NullMarked;
