package io.cachestarter.benchmarks.failover;

import java.util.function.LongPredicate;

import io.cachestarter.test.redis.RedisServer;

/**
 * One fault of a drill.
 *
 * @param server the primary that is killed or frozen
 * @param standby the replica expected to take over
 * @param affected which ids have their entry on {@code server} (all of them behind Sentinel)
 */
record Fault(RedisServer server, RedisServer standby, LongPredicate affected) {
}
