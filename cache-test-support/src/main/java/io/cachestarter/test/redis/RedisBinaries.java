package io.cachestarter.test.redis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@code redis-server} and {@code redis-cli}, installing them once per JVM with the repository's
 * {@code scripts/ensure-redis.sh} when they are missing.
 */
final class RedisBinaries {

	private static final Logger logger = LoggerFactory.getLogger(RedisBinaries.class);

	private static final String ENSURE_SCRIPT = "scripts/ensure-redis.sh";

	private static final List<Path> WELL_KNOWN_DIRS = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"),
			Path.of("/usr/local/bin"));

	private static final long INSTALL_TIMEOUT_MINUTES = 10;

	private static boolean installAttempted;

	private RedisBinaries() {
	}

	static Path redisServer() {
		return find("redis-server");
	}

	static Path redisCli() {
		return find("redis-cli");
	}

	private static synchronized Path find(String name) {
		Optional<Path> found = locate(name);
		if (found.isPresent()) {
			return found.get();
		}
		if (!installAttempted) {
			installAttempted = true;
			install();
		}
		return locate(name).orElseThrow(() -> new IllegalStateException(name + " is not on PATH nor in "
				+ WELL_KNOWN_DIRS + ", and " + ENSURE_SCRIPT + " did not install it: install Redis 7 or set REDIS_URL"));
	}

	private static Optional<Path> locate(String name) {
		List<Path> dirs = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				if (!dir.isEmpty()) {
					dirs.add(Path.of(dir));
				}
			}
		}
		dirs.addAll(WELL_KNOWN_DIRS);
		return dirs.stream().map((dir) -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
	}

	private static void install() {
		Path script = findEnsureScript();
		logger.info("redis-server not found; running {}", script);
		try {
			Path output = Files.createTempFile("ensure-redis-", ".log");
			try {
				Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				boolean finished = process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
				if (!finished) {
					process.destroyForcibly();
				}
				String text = Files.readString(output, StandardCharsets.UTF_8);
				if (!finished || process.exitValue() != 0) {
					throw new IllegalStateException(script + " failed:\n" + text);
				}
				logger.info("{} output:\n{}", script, text);
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + script, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + script, ex);
		}
	}

	/** Walks up from the working directory, since tests run from a module directory below the repository root. */
	private static Path findEnsureScript() {
		for (@Nullable Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path script = dir.resolve(ENSURE_SCRIPT);
			if (Files.isRegularFile(script)) {
				return script;
			}
		}
		throw new IllegalStateException("redis-server is missing and no " + ENSURE_SCRIPT + " was found above "
				+ Path.of("").toAbsolutePath() + ": install Redis 7 or set REDIS_URL");
	}

}
