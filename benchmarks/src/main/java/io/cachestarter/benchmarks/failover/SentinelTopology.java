package io.cachestarter.benchmarks.failover;

import java.time.Duration;
import java.util.List;

import io.cachestarter.test.redis.RedisSentinelGroup;
import io.cachestarter.test.redis.RedisServer;

/** Sentinel: 1 master, 1 replica, 3 sentinels with quorum 2, {@code down-after-milliseconds} 1000. */
final class SentinelTopology implements Topology {

	private final RedisSentinelGroup group = RedisSentinelGroup.start("drill");

	@Override
	public String name() {
		return "Sentinel 1+1+3";
	}

	@Override
	public String describe() {
		return "Redis Sentinel, 1 master + 1 replica + 3 sentinels (quorum 2), down-after-milliseconds 1000: "
				+ this.group.sentinelNodes();
	}

	@Override
	public List<String> properties() {
		return List.of("spring.data.redis.sentinel.master=" + this.group.masterName(),
				"spring.data.redis.sentinel.nodes=" + this.group.sentinelNodes());
	}

	@Override
	public Fault prepareFault() {
		RedisServer master = this.group.currentMaster();
		return new Fault(master, this.group.currentReplica(), (id) -> true);
	}

	@Override
	public void awaitPromotion(Fault fault, Duration timeout) {
		this.group.awaitPromotion(fault.server(), timeout);
	}

	@Override
	public boolean isCached(String key) {
		return this.group.currentMaster().commands().exists(key) == 1;
	}

	@Override
	public void recover(Fault fault) {
		this.group.recover(fault.server());
	}

	@Override
	public void close() {
		this.group.close();
	}

}
