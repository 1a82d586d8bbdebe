package io.cachestarter.test.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Whether a Docker engine answers here, checked once per JVM and cheaply: the socket must exist before
 * {@code docker info} is even run, and that gets a few seconds at most.
 */
final class DockerProbe {

	private static final Path SOCKET = Path.of("/var/run/docker.sock");

	private static final long INFO_TIMEOUT_SECONDS = 5;

	private static @Nullable Boolean available;

	private DockerProbe() {
	}

	static synchronized boolean isAvailable() {
		Boolean result = available;
		if (result == null) {
			result = Files.exists(SOCKET) && dockerInfoSucceeds();
			available = result;
		}
		return result;
	}

	private static boolean dockerInfoSucceeds() {
		try {
			Process info = new ProcessBuilder("docker", "info").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!info.waitFor(INFO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				info.destroyForcibly();
				return false;
			}
			return info.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
