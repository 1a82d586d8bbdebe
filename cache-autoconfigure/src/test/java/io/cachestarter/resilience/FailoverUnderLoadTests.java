package io.cachestarter.resilience;

import java.time.Duration;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterFailoverAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.resilience.LoadDuringFailover.Outcome;
import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisSentinelGroup;
import io.cachestarter.test.redis.RedisServer;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary killed ({@code kill -9}) or frozen ({@code SIGSTOP}) under load, on a Redis Cluster of 3 primaries and
 * 3 replicas and behind Sentinel (1 master, 1 replica, 3 sentinels): no call fails (the method serves), no call
 * waits much longer than the command timeout, and caching resumes on the promoted replica (a new entry lands on it,
 * read there directly) soon after Redis promoted it, in the same application context. Each group is started once
 * for the class; after each fault the old primary rejoins as a replica.
 */
class FailoverUnderLoadTests {

	/** The goal is 5 s after the promotion; shared CI machines get twice that. */
	private static final Duration RESUMED_AFTER_PROMOTION = Duration.ofSeconds(10);

	/** The command timeout is 500 ms; a call may take a little longer on a busy machine, never seconds. */
	private static final Duration LONGEST_CALL = Duration.ofSeconds(2);

	private static @Nullable RedisClusterGroup cluster;

	private static @Nullable RedisSentinelGroup sentinel;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterFailoverAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogTestConfiguration.class)
		.withPropertyValues("spring.application.name=failover",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	static Stream<Arguments> faults() {
		return Stream.of(Arguments.of("Cluster", "kill -9"), Arguments.of("Cluster", "SIGSTOP"),
				Arguments.of("Sentinel", "kill -9"), Arguments.of("Sentinel", "SIGSTOP"));
	}

	@AfterAll
	static void stopRedis() {
		if (cluster != null) {
			cluster.close();
		}
		if (sentinel != null) {
			sentinel.close();
		}
	}

	@ParameterizedTest(name = "{0}, primary {1}")
	@MethodSource("faults")
	void noCallFailsAndCachingResumesOnThePromotedReplica(String topology, String fault) {
		boolean cluster = topology.equals("Cluster");
		Target target = cluster ? clusterTarget() : sentinelTarget();
		this.contextRunner.withPropertyValues(target.properties()).run((context) -> {
			assertThat(context).hasNotFailed();
			Catalog catalog = context.getBean(Catalog.class);
			try {
				Outcome outcome = new LoadDuringFailover(catalog, target.victim(), target.standby(),
						target.affected())
					.run(fault.equals("kill -9") ? RedisServer::kill : RedisServer::pause, target.promotion());
				System.out.println(topology + ", primary " + fault + ": " + outcome);
				assertThat(outcome.failedCalls()).as("failed calls").isZero();
				assertThat(outcome.longestCall()).as("longest call").isLessThan(LONGEST_CALL);
				assertThat(outcome.resumedAfterPromotion()).as("caching resumed after the promotion")
					.isLessThan(RESUMED_AFTER_PROMOTION);
			}
			finally {
				target.recover().run();
			}
		});
	}

	private static Target clusterTarget() {
		if (cluster == null) {
			cluster = RedisClusterGroup.builder().masters(3).replicasPerMaster(1).start();
		}
		RedisClusterGroup group = cluster;
		RedisServer victim = group.masterFor(LoadDuringFailover.key(0));
		List<RedisServer> replicas = group.replicasOf(victim);
		java.util.BitSet slots = group.slotsOf(victim);
		return new Target(new String[] { "spring.data.redis.cluster.nodes=" + String.join(",", group.nodes()) },
				victim, replicas.get(0), (id) -> slots.get(SlotHash.getSlot(LoadDuringFailover.key(id))),
				() -> group.awaitPromotion(victim, replicas, Duration.ofSeconds(30)), () -> group.recover(victim));
	}

	private static Target sentinelTarget() {
		if (sentinel == null) {
			sentinel = RedisSentinelGroup.start("failover");
		}
		RedisSentinelGroup group = sentinel;
		RedisServer victim = group.currentMaster();
		return new Target(new String[] { "spring.data.redis.sentinel.master=" + group.masterName(),
				"spring.data.redis.sentinel.nodes=" + group.sentinelNodes() }, victim, group.currentReplica(),
				(id) -> true, () -> group.awaitPromotion(victim, Duration.ofSeconds(30)), () -> group.recover(victim));
	}

	/**
	 * What to break and how to tell it was repaired.
	 * @param properties the {@code spring.data.redis.*} properties of the group
	 * @param victim the primary to break
	 * @param standby the replica expected to take over
	 * @param affected which ids have their entries on the victim
	 * @param promotion waits until Redis has promoted the standby
	 * @param recover brings the victim back as a replica
	 */
	private record Target(String[] properties, RedisServer victim, RedisServer standby, LongPredicate affected,
			Runnable promotion, Runnable recover) {
	}

}
