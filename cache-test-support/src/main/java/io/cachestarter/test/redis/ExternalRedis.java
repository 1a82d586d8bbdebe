package io.cachestarter.test.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A server this JVM does not own, named by {@code REDIS_URL}. Extra arguments are applied with
 * {@code CONFIG SET} and the previous values are restored on close; fault injection is not possible, so those
 * calls abort the test (it is reported as skipped, not failed).
 */
final class ExternalRedis implements ServerControl {

	private final String url;

	private final RedisURI redisUri;

	private final Map<String, String> previousConfig;

	private ExternalRedis(String url, RedisURI redisUri, Map<String, String> previousConfig) {
		this.url = url;
		this.redisUri = redisUri;
		this.previousConfig = previousConfig;
	}

	static ExternalRedis connect(String url, List<String> extraArgs) {
		RedisURI redisUri = RedisURI.create(url);
		redisUri.setTimeout(TestClientResources.TIMEOUT);
		Map<String, String> wanted = configPairs(extraArgs);
		Map<String, String> previous = new LinkedHashMap<>();
		if (!wanted.isEmpty()) {
			withCommands(redisUri, (commands) -> wanted.forEach((name, value) -> {
				try {
					previous.put(name, commands.configGet(name).getOrDefault(name, ""));
					commands.configSet(name, value);
				}
				catch (RedisException ex) {
					Assumptions.abort("REDIS_URL server cannot apply --" + name + " " + value + ": " + ex.getMessage());
				}
			}));
		}
		return new ExternalRedis(url, redisUri, previous);
	}

	@Override
	public String host() {
		return this.redisUri.getHost();
	}

	@Override
	public int port() {
		return this.redisUri.getPort();
	}

	@Override
	public String uri() {
		return this.url;
	}

	@Override
	public boolean supportsFaults() {
		return false;
	}

	@Override
	public void kill() {
		abortFaultInjection();
	}

	@Override
	public void pause() {
		abortFaultInjection();
	}

	@Override
	public void resume() {
		abortFaultInjection();
	}

	@Override
	public void restart() {
		abortFaultInjection();
	}

	@Override
	public void recover() {
		// Nothing was broken: faults are never injected into an external server.
	}

	@Override
	public synchronized void close() {
		if (!this.previousConfig.isEmpty()) {
			withCommands(this.redisUri, (commands) -> this.previousConfig.forEach(commands::configSet));
			this.previousConfig.clear();
		}
	}

	private static void abortFaultInjection() {
		Assumptions.abort("Fault injection needs a local redis-server or Docker; REDIS_URL names an external server");
	}

	/** {@code --name value...} pairs, as redis-server takes them on its command line. */
	static Map<String, String> configPairs(List<String> args) {
		Map<String, String> pairs = new LinkedHashMap<>();
		@Nullable String name = null;
		List<String> values = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--")) {
				if (name != null) {
					pairs.put(name, String.join(" ", values));
				}
				name = arg.substring(2);
				values.clear();
			}
			else if (name == null) {
				throw new IllegalArgumentException("Extra arguments must start with --name, got '" + arg + "'");
			}
			else {
				values.add(arg);
			}
		}
		if (name != null) {
			pairs.put(name, String.join(" ", values));
		}
		return pairs;
	}

	private static void withCommands(RedisURI redisUri, Consumer<RedisCommands<String, String>> action) {
		RedisClient client = RedisClient.create(TestClientResources.get(), redisUri);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			action.accept(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

}
