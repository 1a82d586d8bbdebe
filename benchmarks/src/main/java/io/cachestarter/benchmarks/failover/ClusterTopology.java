package io.cachestarter.benchmarks.failover;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;

/** Redis Cluster: 3 primaries with one replica each, {@code cluster-node-timeout} 3 s. */
final class ClusterTopology implements Topology {

	private final RedisClusterGroup cluster = RedisClusterGroup.builder().masters(3).replicasPerMaster(1).start();

	@Override
	public String name() {
		return "Cluster 3+3";
	}

	@Override
	public String describe() {
		return "Redis Cluster, 3 primaries + 3 replicas, cluster-node-timeout 3000 ms: " + this.cluster.nodes();
	}

	@Override
	public List<String> properties() {
		return List.of("spring.data.redis.cluster.nodes=" + String.join(",", this.cluster.nodes()));
	}

	@Override
	public Fault prepareFault() {
		List<RedisServer> masters = this.cluster.masters();
		RedisServer victim = masters.get(ThreadLocalRandom.current().nextInt(masters.size()));
		BitSet slots = this.cluster.slotsOf(victim);
		List<RedisServer> replicas = this.cluster.replicasOf(victim);
		return new Fault(victim, replicas.get(0), (id) -> slots.get(SlotHash.getSlot(DrillCatalog.key(id))));
	}

	@Override
	public void awaitPromotion(Fault fault, Duration timeout) {
		this.cluster.awaitPromotion(fault.server(), List.of(fault.standby()), timeout);
	}

	@Override
	public boolean isCached(String key) {
		return this.cluster.masterFor(key).commands().exists(key) == 1;
	}

	@Override
	public void recover(Fault fault) {
		this.cluster.recover(fault.server());
	}

	@Override
	public void close() {
		this.cluster.close();
	}

}
