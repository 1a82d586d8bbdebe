package io.cachestarter.benchmarks.failover;

import java.time.Duration;
import java.util.List;

/** A group of Redis processes the drill breaks and repairs. */
interface Topology extends AutoCloseable {

	String name();

	String describe();

	/** The {@code spring.data.redis.*} properties that point the application at the group. */
	List<String> properties();

	/** Chooses the primary to break and the replica expected to take over. */
	Fault prepareFault();

	/** Returns once Redis has promoted the standby; throws if it did not in time. */
	void awaitPromotion(Fault fault, Duration timeout);

	/** Whether the entry of {@code key} is on the master that serves it now, read there directly. */
	boolean isCached(String key);

	/** Brings the broken primary back as a replica. */
	void recover(Fault fault);

	@Override
	void close();

}
