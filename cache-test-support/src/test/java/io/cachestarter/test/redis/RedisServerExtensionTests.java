package io.cachestarter.test.redis;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServerExtensionTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension("--maxmemory-policy", "noeviction");

	@Test
	@Order(1)
	void startsOneServerWithTheExtraArguments(RedisServer server) {
		assertThat(server).isSameAs(redis.server());
		assertThat(redis.uri()).isEqualTo(server.uri());
		assertThat(redis.port()).isEqualTo(server.port());
		assertThat(redis.commands().configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
		redis.commands().set("left-behind", "by test 1");
	}

	@Test
	@Order(2)
	void flushesBeforeEachTest() {
		assertThat(redis.commands().exists("left-behind")).isZero();
	}

	@Test
	@Order(3)
	void aTestMayKillTheServer() {
		assumeTrue(redis.server().isFaultInjectionSupported());
		redis.server().kill();
	}

	@Test
	@Order(4)
	void theNextTestGetsItBack() {
		assertThat(redis.commands().ping()).isEqualTo("PONG");
	}

	@Test
	@Order(5)
	void stopsTheServerAfterAllTestsEvenWhenOneFails() {
		ExampleTestCase.servers.clear();
		ExampleTestCase.launched = true;
		try {
			EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(ExampleTestCase.class))
				.execute()
				.testEvents()
				.assertStatistics((stats) -> stats.started(2).succeeded(1).failed(1));
		}
		finally {
			ExampleTestCase.launched = false;
		}
		assertThat(ExampleTestCase.servers).hasSize(2);
		assertThat(ExampleTestCase.servers.get(0)).isSameAs(ExampleTestCase.servers.get(1));
		assumeTrue(ExampleTestCase.servers.get(0).isFaultInjectionSupported());
		Processes.assertAllGone(ExampleTestCase.processes);
	}

	/** Run only through {@link EngineTestKit} above; Surefire skips nested classes anyway. */
	@EnabledIf("launched")
	static class ExampleTestCase {

		static volatile boolean launched;

		static final List<RedisServer> servers = new ArrayList<>();

		static final List<ProcessHandle> processes = new ArrayList<>();

		@RegisterExtension
		static RedisServerExtension redis = new RedisServerExtension();

		static boolean launched() {
			return launched;
		}

		@Test
		void passes(RedisServer server) {
			servers.add(server);
			processes.addAll(server.processes());
		}

		@Test
		void fails(RedisServer server) {
			servers.add(server);
			throw new AssertionError("fails on purpose");
		}

	}

}
