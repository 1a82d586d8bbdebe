package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis server for one test class (or one test), with fault injection.
 *
 * <p>
 * {@link #start(String...)} picks the first of these that applies:
 * <ol>
 * <li>{@code REDIS_URL} is set: that external server is used. Extra arguments are applied with
 * {@code CONFIG SET} (and restored on close), {@link #isFaultInjectionSupported()} is {@code false}, and
 * {@link #kill()}, {@link #pause()}, {@link #resume()} and {@link #restart()} abort the calling test through
 * JUnit's {@code Assumptions}, so fault tests are reported as skipped.</li>
 * <li>A Docker engine answers: a {@code redis:7} container through Testcontainers. This is only attempted when
 * {@code /var/run/docker.sock} exists <em>and</em> {@code docker info} succeeds within 5 seconds (checked once
 * per JVM); otherwise no Testcontainers class is even loaded.</li>
 * <li>Otherwise a local {@code redis-server} child process on a free loopback port, with its own temporary
 * directory, no persistence, and its log in that directory. If no binary is found, the repository's
 * {@code scripts/ensure-redis.sh} installs Debian's package first.</li>
 * </ol>
 * A local process is killed by a JVM shutdown hook if it is never closed, and by a small watchdog process if
 * the JVM itself is killed.
 *
 * <p>
 * Use {@link RedisServerExtension} in JUnit tests rather than managing the lifecycle by hand.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(10);

	private final ServerControl control;

	/** The TLS port, 0 for none. */
	private final int tlsPort;

	private final AtomicBoolean closed = new AtomicBoolean();

	private @Nullable RedisClient client;

	private @Nullable StatefulRedisConnection<String, String> connection;

	private RedisServer(ServerControl control) {
		this(control, 0);
	}

	private RedisServer(ServerControl control, int tlsPort) {
		this.control = control;
		this.tlsPort = tlsPort;
	}

	/** Starts a server with the default settings. */
	public static RedisServer start() {
		return start(new String[0]);
	}

	/**
	 * Starts a server with extra {@code redis-server} arguments.
	 * @param extraArgs arguments as on the command line, e.g. {@code "--maxmemory-policy", "noeviction"}
	 */
	public static RedisServer start(String... extraArgs) {
		List<String> args = List.of(extraArgs);
		String url = System.getenv("REDIS_URL");
		if (url != null && !url.isBlank()) {
			return new RedisServer(ExternalRedis.connect(url, args));
		}
		if (DockerProbe.isAvailable()) {
			return new RedisServer(ContainerRedis.start(args));
		}
		return local(null, args, FreePorts::next);
	}

	/**
	 * Starts a local server that also serves TLS (on a port of its own, see {@link #tlsPort()}) with the given
	 * certificate; the plain port stays open for assertions. Always a local process, also when {@code REDIS_URL}
	 * is set or Docker answers, since the server must read the certificate files.
	 * @param certificate the server's certificate and key
	 * @param extraArgs further {@code redis-server} arguments, e.g. {@code "--aclfile", path}
	 */
	public static RedisServer startWithTls(SelfSignedCertificate certificate, String... extraArgs) {
		int tlsPort = FreePorts.next();
		List<String> args = new ArrayList<>(certificate.redisArgs(tlsPort));
		args.addAll(List.of(extraArgs));
		return local(null, args, FreePorts::next, tlsPort);
	}

	/** Always a local process: clusters and sentinels need topologies that REDIS_URL or a single container lack. */
	static RedisServer local(@Nullable String config, List<String> args, IntSupplier ports) {
		return new RedisServer(LocalRedisProcess.start(config, args, ports));
	}

	/** A local process whose arguments serve TLS on {@code tlsPort}. */
	static RedisServer local(@Nullable String config, List<String> args, IntSupplier ports, int tlsPort) {
		return new RedisServer(LocalRedisProcess.start(config, args, ports), tlsPort);
	}

	/** The address to connect to; {@code 127.0.0.1} unless {@code REDIS_URL} names another host. */
	public String host() {
		return this.control.host();
	}

	public int port() {
		return this.control.port();
	}

	/**
	 * The port that serves TLS, for servers started with a certificate.
	 * @throws IllegalStateException if this server serves no TLS
	 */
	public int tlsPort() {
		if (this.tlsPort == 0) {
			throw new IllegalStateException(this + " serves no TLS");
		}
		return this.tlsPort;
	}

	/** {@code redis://127.0.0.1:<port>}, or {@code REDIS_URL} as given. */
	public String uri() {
		return this.control.uri();
	}

	/**
	 * A synchronous connection for assertions ({@code PTTL}, {@code EXISTS}, {@code CONFIG GET}...), created on
	 * first use and shared. Commands time out after 2 seconds; while the server is down they fail at once, and
	 * the connection reconnects by itself once the server is back.
	 */
	public synchronized RedisCommands<String, String> commands() {
		requireOpen();
		StatefulRedisConnection<String, String> current = this.connection;
		if (current == null) {
			RedisURI redisUri = RedisURI.create(uri());
			redisUri.setTimeout(TestClientResources.TIMEOUT);
			RedisClient created = RedisClient.create(TestClientResources.get(), redisUri);
			created.setOptions(TestClientResources.clientOptions());
			this.client = created;
			current = created.connect();
			this.connection = current;
		}
		return current.sync();
	}

	/** Kills the process with SIGKILL (or {@code docker kill}) and returns once it is gone. */
	public void kill() {
		requireOpen();
		this.control.kill();
	}

	/**
	 * Stops the process with SIGSTOP (or {@code docker pause}): the port still accepts connections but nothing
	 * answers, as with a hung server.
	 */
	public void pause() {
		requireOpen();
		this.control.pause();
	}

	/** Continues a paused server and returns once it answers PING. */
	public void resume() {
		requireOpen();
		this.control.resume();
	}

	/**
	 * Kills the server if it runs, then starts a fresh one on the same port with the same arguments, and returns
	 * once it answers PING and the {@link #commands()} connection, if any, has reconnected. Data is lost.
	 */
	public void restart() {
		requireOpen();
		this.control.restart();
		awaitReconnect();
	}

	/** Whether {@link #kill()} and friends work; {@code false} for {@code REDIS_URL}. */
	public boolean isFaultInjectionSupported() {
		return this.control.supportsFaults();
	}

	public void flushAll() {
		commands().flushall();
	}

	/** Stops the server (continuing it first if paused) and deletes its files; idempotent. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			closeClient();
		}
		finally {
			this.control.close();
		}
	}

	/** Brings a killed or paused server back; the extension calls this so one fault test cannot break the next. */
	void recover() {
		requireOpen();
		this.control.recover();
		awaitReconnect();
	}

	List<ProcessHandle> processes() {
		return this.control.processes();
	}

	/** PING as well as isOpen(): right after a kill the connection may not have noticed it was dropped. */
	private void awaitReconnect() {
		StatefulRedisConnection<String, String> current;
		synchronized (this) {
			current = this.connection;
		}
		if (current != null && !Poll.await(RECONNECT_TIMEOUT, () -> current.isOpen() && answersPing(current))) {
			throw new IllegalStateException("The commands() connection did not reconnect to " + uri());
		}
	}

	private static boolean answersPing(StatefulRedisConnection<String, String> connection) {
		try {
			return "PONG".equals(connection.sync().ping());
		}
		catch (RedisException ex) {
			return false;
		}
	}

	private synchronized void closeClient() {
		StatefulRedisConnection<String, String> current = this.connection;
		RedisClient currentClient = this.client;
		this.connection = null;
		this.client = null;
		if (current != null) {
			current.close();
		}
		if (currentClient != null) {
			currentClient.shutdown(Duration.ZERO, TestClientResources.TIMEOUT);
		}
	}

	private void requireOpen() {
		if (this.closed.get()) {
			throw new IllegalStateException("RedisServer on " + uri() + " is closed");
		}
	}

	@Override
	public String toString() {
		return "RedisServer[" + uri() + "]";
	}

}
