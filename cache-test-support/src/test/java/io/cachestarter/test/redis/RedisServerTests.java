package io.cachestarter.test.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RedisServerTests {

	@Test
	void startsOnAFreeLoopbackPortAndAnswersPing() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.port()).isPositive().isNotEqualTo(6379);
			assertThat(server.uri()).isEqualTo("redis://" + server.host() + ":" + server.port());
			assertThat(server.commands().ping()).isEqualTo("PONG");
			assertThat(RespProbe.answersPing(server.host(), server.port())).isTrue();
		}
	}

	@Test
	void usesALocalProcessWhenNeitherRedisUrlNorADockerEngineIsThere() {
		assumeTrue(System.getenv("REDIS_URL") == null && !Files.exists(Path.of("/var/run/docker.sock")));
		assertThat(DockerProbe.isAvailable()).isFalse();
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.isFaultInjectionSupported()).isTrue();
			assertThat(server.processes()).isNotEmpty();
		}
	}

	@Test
	void appliesExtraArguments() {
		try (RedisServer server = RedisServer.start("--maxmemory-policy", "noeviction")) {
			assertThat(server.commands().configGet("maxmemory-policy")).containsEntry("maxmemory-policy",
					"noeviction");
		}
	}

	@Test
	void runsWithoutPersistence() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.commands().configGet("save")).containsEntry("save", "");
			assertThat(server.commands().configGet("appendonly")).containsEntry("appendonly", "no");
		}
	}

	@Test
	void killDropsConnectionsAndRestartComesBackOnTheSamePort() {
		try (RedisServer server = RedisServer.start()) {
			assumeTrue(server.isFaultInjectionSupported());
			int port = server.port();
			server.commands().set("key", "value");

			server.kill();

			assertThat(RespProbe.answersPing(server.host(), port)).isFalse();
			assertThatExceptionOfType(RedisException.class).isThrownBy(() -> server.commands().ping());

			server.restart();

			assertThat(server.port()).isEqualTo(port);
			assertThat(server.commands().ping()).isEqualTo("PONG");
			assertThat(server.commands().exists("key")).as("a restarted server starts empty").isZero();
		}
	}

	@Test
	void restartOfARunningServerKillsItFirst() {
		try (RedisServer server = RedisServer.start()) {
			assumeTrue(server.isFaultInjectionSupported());
			List<ProcessHandle> before = server.processes();
			server.commands().set("key", "value");

			server.restart();

			Processes.assertAllGone(before);
			assertThat(server.commands().exists("key")).isZero();
		}
	}

	@Test
	void pauseMakesCommandsTimeOutAndResumeMakesThemAnswer() {
		try (RedisServer server = RedisServer.start()) {
			assumeTrue(server.isFaultInjectionSupported());
			RedisURI uri = RedisURI.create(server.uri());
			uri.setTimeout(Duration.ofMillis(300));
			RedisClient client = RedisClient.create(uri);
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisCommands<String, String> commands = connection.sync();
				assertThat(commands.ping()).isEqualTo("PONG");

				server.pause();

				assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(commands::ping);

				server.resume();

				assertThat(commands.set("key", "value")).isEqualTo("OK");
				assertThat(commands.get("key")).isEqualTo("value");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void closeStopsAPausedServerAndItsWatchdog() {
		RedisServer server = RedisServer.start();
		List<ProcessHandle> processes = new ArrayList<>(server.processes());
		try {
			assumeTrue(server.isFaultInjectionSupported());
			assertThat(processes).hasSize(2).allMatch(ProcessHandle::isAlive);
			server.pause();
		}
		finally {
			server.close();
		}

		Processes.assertAllGone(processes);
	}

	@Test
	void closeLeavesNoProcessNorFilesAndIsIdempotent() {
		RedisServer server = RedisServer.start();
		List<ProcessHandle> processes = new ArrayList<>(server.processes());
		Path dir;
		try {
			assumeTrue(server.isFaultInjectionSupported());
			dir = Path.of(server.commands().configGet("dir").get("dir"));
			assertThat(dir).isDirectory();
		}
		finally {
			server.close();
		}
		server.close();

		Processes.assertAllGone(processes);
		assertThat(dir).doesNotExist();
		assertThat(Processes.redisDescendants()).isEmpty();
		assertThatIllegalStateException().isThrownBy(server::commands);
	}

	@Test
	void flushAllEmptiesTheServer() {
		try (RedisServer server = RedisServer.start()) {
			server.commands().set("key", "value");

			server.flushAll();

			assertThat(server.commands().dbsize()).isZero();
		}
	}

	@Test
	void startFailureReportsTheServerLog() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServer.local(null, List.of("--no-such-option", "x"), FreePorts::next))
			.withMessageContaining("no-such-option");
		assertThat(Processes.redisDescendants()).isEmpty();
	}

	@Test
	void extraArgumentsReadAsConfigPairs() {
		assertThat(ExternalRedis.configPairs(List.of("--maxmemory-policy", "noeviction", "--save", "", "--x", "1", "2")))
			.containsExactly(Map.entry("maxmemory-policy", "noeviction"), Map.entry("save", ""),
					Map.entry("x", "1 2"));
	}

}
