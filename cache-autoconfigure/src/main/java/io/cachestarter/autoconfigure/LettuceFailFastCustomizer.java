package io.cachestarter.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;

/**
 * Bounded waiting on Redis: Lettuce settings under which a hung or unreachable Redis costs a caller at most the
 * command timeout, instead of Lettuce's defaults (a 60 s timeout, commands queued without bound while disconnected,
 * a dead connection noticed only by the operating system, reconnect attempts up to 30 s apart).
 * <p>
 * The rule: the starter never overrides what the user configured. It sets only what the corresponding
 * {@code spring.data.redis.*} property leaves unset, and it runs first among the customizers of each builder, so
 * that every customizer of the application runs after it and wins. A {@link LettuceClientConfigurationBuilderCustomizer}
 * of the application that sets whole {@link ClientOptions} replaces these options altogether. None of this applies
 * to a {@code RedisConnectionFactory} or {@code ClientResources} bean the application defines itself.
 */
final class LettuceFailFastCustomizer implements LettuceClientConfigurationBuilderCustomizer,
		LettuceClientOptionsBuilderCustomizer, ClientResourcesBuilderCustomizer, Ordered {

	/** Commands a connection holds unanswered before it rejects more: bounds the heap while Redis hangs. */
	static final int REQUEST_QUEUE_SIZE = 65_536;

	static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(5);

	static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(2);

	static final int KEEP_ALIVE_COUNT = 3;

	/**
	 * Measured, not assumed: a shorter period barely shortened recovery from a frozen primary while the breaker's
	 * open state governed it, and the {@code FailoverFollower} refreshes whenever calls fail; every refresh opens a
	 * connection to every node, so a short period costs every instance (docs/BENCHMARKS.md, failover drill).
	 */
	static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(30);

	static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

	private static final String CONNECT_TIMEOUT = "spring.data.redis.connect-timeout";

	private static final String REFRESH_ADAPTIVE = "spring.data.redis.lettuce.cluster.refresh.adaptive";

	private static final String REFRESH_PERIOD = "spring.data.redis.lettuce.cluster.refresh.period";

	private final CommandTimeout commandTimeout;

	private final Binder binder;

	LettuceFailFastCustomizer(Environment environment) {
		this.commandTimeout = CommandTimeout.of(environment);
		this.binder = Binder.get(environment);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/** The command timeout, unless {@code spring.data.redis.timeout} is set. */
	@Override
	public void customize(LettuceClientConfigurationBuilder builder) {
		if (!this.commandTimeout.userSet()) {
			builder.commandTimeout(this.commandTimeout.value());
		}
	}

	@Override
	public void customize(ClientOptions.Builder builder) {
		ClientOptions current = builder.build();
		builder.disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS);
		if (current.getRequestQueueSize() == ClientOptions.DEFAULT_REQUEST_QUEUE_SIZE) {
			builder.requestQueueSize(REQUEST_QUEUE_SIZE);
		}
		builder.socketOptions(socketOptions(current.getSocketOptions()));
		if (!current.getTimeoutOptions().isTimeoutCommands()) {
			// Follows the command timeout of the connection, whoever sets it, rather than a copy of it.
			builder.timeoutOptions(TimeoutOptions.enabled());
		}
		if (builder instanceof ClusterClientOptions.Builder cluster && current instanceof ClusterClientOptions options) {
			cluster.topologyRefreshOptions(topologyRefresh(options.getTopologyRefreshOptions()));
		}
	}

	/** Reconnect attempts at most two seconds apart (with jitter), so that caching resumes soon after an outage. */
	@Override
	public void customize(ClientResources.Builder builder) {
		builder.reconnectDelay(
				Delay.equalJitter(Duration.ofMillis(100), MAX_RECONNECT_DELAY, 100, TimeUnit.MILLISECONDS));
	}

	private SocketOptions socketOptions(SocketOptions current) {
		SocketOptions.Builder socket = current.mutate();
		if (!isSet(CONNECT_TIMEOUT)) {
			socket.connectTimeout(this.commandTimeout.value());
		}
		// Spring Boot never sets keep-alive: what is there are Lettuce's defaults (a dead peer noticed after ~50 s).
		socket.keepAlive(KeepAliveOptions.builder()
			.enable()
			.idle(KEEP_ALIVE_IDLE)
			.interval(KEEP_ALIVE_INTERVAL)
			.count(KEEP_ALIVE_COUNT)
			.build());
		return socket.build();
	}

	private ClusterTopologyRefreshOptions topologyRefresh(ClusterTopologyRefreshOptions current) {
		ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
			.dynamicRefreshSources(current.useDynamicRefreshSources())
			.closeStaleConnections(current.isCloseStaleConnections())
			.adaptiveRefreshTriggersTimeout(current.getAdaptiveRefreshTimeout())
			.refreshTriggersReconnectAttempts(current.getRefreshTriggersReconnectAttempts());
		if (!isSet(REFRESH_ADAPTIVE)) {
			refresh.enableAllAdaptiveRefreshTriggers();
		}
		else if (!current.getAdaptiveRefreshTriggers().isEmpty()) {
			refresh.enableAdaptiveRefreshTrigger(current.getAdaptiveRefreshTriggers().toArray(new RefreshTrigger[0]));
		}
		if (!isSet(REFRESH_PERIOD)) {
			refresh.enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD);
		}
		else if (current.isPeriodicRefreshEnabled()) {
			refresh.enablePeriodicRefresh(current.getRefreshPeriod());
		}
		return refresh.build();
	}

	private boolean isSet(String property) {
		return this.binder.bind(property, String.class).isBound();
	}

}
