package io.cachestarter.test.redis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves that a JVM killed with SIGKILL, which runs no shutdown hook, still takes its servers with it. */
class WatchdogTests {

	@Test
	void serverDiesWhenItsJvmIsKilledHard() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Target.class.getName())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		long redisPid = -1;
		try {
			BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
			String[] report = out.readLine().split(" ");
			assertThat(report).hasSize(2);
			redisPid = Long.parseLong(report[0]);
			Path dir = Path.of(report[1]);
			assertThat(dir).isDirectory();
			assertThat(ProcessHandle.of(redisPid)).hasValueSatisfying((handle) -> assertThat(handle.isAlive()).isTrue());

			jvm.destroyForcibly();
			assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

			long pid = redisPid;
			boolean gone = Poll.await(Duration.ofSeconds(10),
					() -> ProcessHandle.of(pid).map((handle) -> !handle.isAlive()).orElse(true));
			assertThat(gone).as("redis-server %d is killed by its watchdog", pid).isTrue();
			assertThat(Poll.await(Duration.ofSeconds(5), () -> !Files.exists(dir))).as("%s is deleted", dir).isTrue();
		}
		finally {
			jvm.destroyForcibly();
			Optional.of(redisPid).filter((pid) -> pid > 0).flatMap(ProcessHandle::of)
				.ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	/** Starts a local server, reports its pid and directory, and waits to be killed. */
	static final class Target {

		public static void main(String[] args) throws Exception {
			RedisServer server = RedisServer.local(null, List.of(), FreePorts::next);
			System.out.println(server.processes().get(0).pid() + " " + server.commands().configGet("dir").get("dir"));
			System.out.flush();
			Thread.currentThread().join();
		}

	}

}
