package io.cachestarter.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on a loopback port, with its own temporary directory and log, and a
 * watchdog that kills it if this JVM dies without running its shutdown hooks.
 */
final class LocalRedisProcess implements ServerControl {

	private static final Logger logger = LoggerFactory.getLogger(LocalRedisProcess.class);

	static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	/** SIGTERM first so Redis can tidy up, but a test suite never waits long for a server it discards. */
	private static final Duration GRACEFUL_STOP = Duration.ofSeconds(2);

	private static final int START_ATTEMPTS = 5;

	private static final int LOG_TAIL_LINES = 25;

	/**
	 * Runs beside the server; when the JVM is gone it kills the server and deletes its directory, and it ends by
	 * itself once the server is gone. {@code $1} is the JVM's pid, {@code $2} the server's, {@code $3} the
	 * directory.
	 */
	private static final String WATCHDOG_SCRIPT = "while kill -0 \"$2\" 2>/dev/null; do "
			+ "if ! kill -0 \"$1\" 2>/dev/null; then kill -9 \"$2\" 2>/dev/null; rm -rf \"$3\"; exit 0; fi; "
			+ "sleep 1; done";

	private enum State {

		RUNNING, PAUSED, KILLED, CLOSED

	}

	private final Path binary;

	private final Path dir;

	private final Path log;

	private final @Nullable String config;

	private final List<String> extraArgs;

	private final int port;

	private volatile @Nullable Process process;

	private volatile @Nullable Process watchdog;

	private State state = State.KILLED;

	private LocalRedisProcess(Path binary, Path dir, @Nullable String config, List<String> extraArgs, int port) {
		this.binary = binary;
		this.dir = dir;
		this.log = dir.resolve("redis.log");
		this.config = config;
		this.extraArgs = List.copyOf(extraArgs);
		this.port = port;
	}

	/**
	 * Starts a server on a port from {@code ports}, trying another port when the chosen one was taken meanwhile.
	 * @param config content of a config file passed before all other arguments (sentinels need one), or
	 * {@code null}
	 */
	static LocalRedisProcess start(@Nullable String config, List<String> extraArgs, IntSupplier ports) {
		Path binary = RedisBinaries.redisServer();
		Path dir = createTempDirectory();
		for (int attempt = 1;; attempt++) {
			LocalRedisProcess server = new LocalRedisProcess(binary, dir, config, extraArgs, ports.getAsInt());
			try {
				server.launch();
				return server;
			}
			catch (PortTakenException ex) {
				ProcessRegistry.unregister(server);
				if (attempt == START_ATTEMPTS) {
					deleteRecursively(dir);
					throw ex;
				}
				logger.debug("Port {} was taken, retrying on another", server.port);
			}
			catch (RuntimeException ex) {
				ProcessRegistry.unregister(server);
				deleteRecursively(dir);
				throw ex;
			}
		}
	}

	@Override
	public String host() {
		return HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	@Override
	public boolean supportsFaults() {
		return true;
	}

	@Override
	public synchronized void kill() {
		requireOpen();
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroyForcibly();
			awaitExit(current);
		}
		stopWatchdog();
		this.state = State.KILLED;
	}

	@Override
	public synchronized void pause() {
		requireState(State.RUNNING, "pause");
		long pid = runningProcess().pid();
		signal("STOP", pid);
		if (!Poll.await(STOP_TIMEOUT, () -> isStopped(pid))) {
			throw new IllegalStateException("redis-server " + pid + " did not stop on SIGSTOP");
		}
		this.state = State.PAUSED;
	}

	@Override
	public synchronized void resume() {
		if (this.state == State.RUNNING) {
			return;
		}
		requireState(State.PAUSED, "resume");
		signal("CONT", runningProcess().pid());
		if (!Poll.await(START_TIMEOUT, () -> RespProbe.answersPing(HOST, this.port))) {
			throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING after SIGCONT"
					+ logTail(readLog(0)));
		}
		this.state = State.RUNNING;
	}

	@Override
	public synchronized void restart() {
		requireOpen();
		kill();
		launch();
	}

	@Override
	public synchronized void recover() {
		requireOpen();
		Process current = this.process;
		if (this.state == State.PAUSED) {
			resume();
		}
		else if (this.state == State.KILLED || current == null || !current.isAlive()) {
			restart();
		}
	}

	@Override
	public synchronized void close() {
		if (this.state == State.CLOSED) {
			return;
		}
		Process current = this.process;
		if (current != null && current.isAlive()) {
			if (this.state == State.PAUSED) {
				signalQuietly("CONT", current.pid());
			}
			current.destroy();
			if (!waitFor(current, GRACEFUL_STOP)) {
				current.destroyForcibly();
				awaitExit(current);
			}
		}
		stopWatchdog();
		ProcessRegistry.unregister(this);
		deleteRecursively(this.dir);
		this.state = State.CLOSED;
	}

	@Override
	public List<ProcessHandle> processes() {
		List<ProcessHandle> handles = new ArrayList<>();
		Process current = this.process;
		Process guard = this.watchdog;
		if (current != null) {
			handles.add(current.toHandle());
		}
		if (guard != null) {
			handles.add(guard.toHandle());
		}
		return handles;
	}

	/** Called from the shutdown hook: no locks, no waiting beyond a moment, no exceptions. */
	void destroyNow() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
		}
		stopWatchdog();
		deleteRecursively(this.dir);
	}

	private void launch() {
		writeConfigOnce();
		long logOffset = sizeOf(this.log);
		Process started;
		try {
			started = new ProcessBuilder(command()).directory(this.dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.binary, ex);
		}
		this.process = started;
		ProcessRegistry.register(this);
		closeQuietly(started);
		this.watchdog = startWatchdog(started.pid(), this.dir);
		boolean answered = Poll.await(START_TIMEOUT,
				() -> !started.isAlive() || RespProbe.answersPing(HOST, this.port));
		if (answered && started.isAlive()) {
			this.state = State.RUNNING;
			return;
		}
		started.destroyForcibly();
		awaitExit(started);
		stopWatchdog();
		this.state = State.KILLED;
		String output = readLog(logOffset);
		if (output.contains("Address already in use")) {
			throw new PortTakenException("Port " + this.port + " is already in use" + logTail(output));
		}
		String reason = answered ? "exited with code " + started.exitValue()
				: "did not answer PING within " + START_TIMEOUT.toSeconds() + "s";
		throw new IllegalStateException("redis-server on port " + this.port + " " + reason + logTail(output));
	}

	private List<String> command() {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		if (this.config != null) {
			command.add(configFile().toString());
		}
		command.addAll(Arrays.asList("--port", String.valueOf(this.port), "--bind", HOST, "--save", "",
				"--appendonly", "no", "--dir", this.dir.toString(), "--daemonize", "no", "--protected-mode", "no"));
		command.addAll(this.extraArgs);
		return command;
	}

	private Path configFile() {
		return this.dir.resolve("redis.conf");
	}

	/** Only once: a sentinel rewrites its file, and a restarted one should find its own state again. */
	private void writeConfigOnce() {
		if (this.config != null && !Files.exists(configFile())) {
			try {
				Files.writeString(configFile(), this.config, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private static Process startWatchdog(long serverPid, Path dir) {
		try {
			Process guard = new ProcessBuilder("sh", "-c", WATCHDOG_SCRIPT, "redis-test-watchdog",
					String.valueOf(ProcessHandle.current().pid()), String.valueOf(serverPid), dir.toString())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			closeQuietly(guard);
			return guard;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the watchdog for redis-server " + serverPid, ex);
		}
	}

	private void stopWatchdog() {
		Process guard = this.watchdog;
		if (guard != null) {
			guard.descendants().forEach(ProcessHandle::destroyForcibly);
			guard.destroyForcibly();
			waitFor(guard, STOP_TIMEOUT);
			this.watchdog = null;
		}
	}

	private Process runningProcess() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		return current;
	}

	private void requireOpen() {
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("redis-server on port " + this.port + " is closed");
		}
	}

	private void requireState(State expected, String action) {
		if (this.state != expected) {
			throw new IllegalStateException(
					"Cannot " + action + " redis-server on port " + this.port + ": it is " + this.state);
		}
	}

	private static void signal(String signal, long pid) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!kill.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -" + signal + " " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

	private static void signalQuietly(String signal, long pid) {
		try {
			signal(signal, pid);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not send SIG{} to {}", signal, pid, ex);
		}
	}

	/** Linux reports a stopped process as state {@code T}; elsewhere the signal is trusted. */
	private static boolean isStopped(long pid) {
		Path stat = Path.of("/proc", String.valueOf(pid), "stat");
		if (!Files.exists(Path.of("/proc/self/stat"))) {
			return true;
		}
		try {
			String text = Files.readString(stat);
			String afterName = text.substring(text.lastIndexOf(')') + 1).trim();
			return afterName.startsWith("T") || afterName.startsWith("t");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void awaitExit(Process process) {
		if (!waitFor(process, STOP_TIMEOUT)) {
			throw new IllegalStateException("Process " + process.pid() + " did not exit after SIGKILL");
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

	private static void closeQuietly(Process process) {
		try {
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			// Nothing reads it anyway.
		}
	}

	private String readLog(long offset) {
		try {
			byte[] bytes = Files.readAllBytes(this.log);
			int from = (int) Math.min(offset, bytes.length);
			return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private String logTail(String output) {
		List<String> lines = output.lines().toList();
		List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
		return "; last lines of " + this.log + ":\n" + String.join("\n", tail);
	}

	private static long sizeOf(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static Path createTempDirectory() {
		try {
			return Files.createTempDirectory("redis-test-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a temporary directory for redis-server", ex);
		}
	}

	private static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			logger.debug("Could not delete {}", dir, ex);
		}
	}

	/** The chosen port was taken between picking it and binding it; {@link #start} retries on another. */
	private static final class PortTakenException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		PortTakenException(String message) {
			super(message);
		}

	}

}
