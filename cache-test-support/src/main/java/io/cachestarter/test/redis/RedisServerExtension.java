package io.cachestarter.test.redis;

import java.util.List;

import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that gives a test class one {@link RedisServer}: started before all tests, recovered (if a
 * test killed or paused it) and flushed before each test, and stopped after all tests, whether they passed or
 * not. Test methods and constructors may also declare a {@link RedisServer} parameter.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static RedisServerExtension redis = new RedisServerExtension("--maxmemory-policy", "noeviction");
 * </pre>
 *
 * Registered on an instance field instead of a static one, it starts and stops a server around each test.
 */
public final class RedisServerExtension
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

	private final List<String> extraArgs;

	private @Nullable RedisServer server;

	/** The context that started the server and so must stop it; nested classes reuse the outer server. */
	private @Nullable String ownerId;

	/**
	 * @param extraArgs extra {@code redis-server} arguments, e.g. {@code "--maxmemory-policy", "noeviction"}
	 */
	public RedisServerExtension(String... extraArgs) {
		this.extraArgs = List.of(extraArgs);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		startIfNeeded(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		RedisServer current = startIfNeeded(context);
		current.recover();
		current.flushAll();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		stopIfOwner(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stopIfOwner(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

	/** The running server; only between the extension's before-all and after-all callbacks. */
	public synchronized RedisServer server() {
		RedisServer current = this.server;
		if (current == null) {
			throw new IllegalStateException("No Redis server: the extension has not started one (yet)");
		}
		return current;
	}

	public String uri() {
		return server().uri();
	}

	public int port() {
		return server().port();
	}

	public RedisCommands<String, String> commands() {
		return server().commands();
	}

	private synchronized RedisServer startIfNeeded(ExtensionContext context) {
		RedisServer current = this.server;
		if (current == null) {
			current = RedisServer.start(this.extraArgs.toArray(String[]::new));
			this.server = current;
			this.ownerId = context.getUniqueId();
		}
		return current;
	}

	private synchronized void stopIfOwner(ExtensionContext context) {
		RedisServer current = this.server;
		if (current != null && context.getUniqueId().equals(this.ownerId)) {
			this.server = null;
			this.ownerId = null;
			current.close();
		}
	}

}
