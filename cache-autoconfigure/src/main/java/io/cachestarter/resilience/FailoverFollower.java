package io.cachestarter.resilience;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.logging.RateLimitedLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnErrorEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.protocol.DefaultEndpoint;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * Follows a Redis failover that Lettuce does not notice by itself, so that caching resumes on the promoted replica
 * without a restart of the application.
 * <p>
 * A primary that freezes (a stopped process, a hung host) keeps its TCP connections open: the operating system still
 * acknowledges every packet and answers keep-alive probes, so commands only time out, and Lettuce neither reconnects
 * nor asks Sentinel (or DNS) where the primary is now. On Redis Cluster, a frozen primary triggers none of Lettuce's
 * adaptive topology refreshes either: its slots keep going to it until the next periodic refresh. This class listens
 * to the circuit breaker {@value CircuitBreakerDefaults#INSTANCE_NAME} and to the Lettuce client:
 * <ul>
 * <li>Standalone and Sentinel: when the breaker opens, every data connection of the client is disconnected, and
 * Lettuce reconnects it in the background, resolving the primary again (through Sentinel, or DNS for a host name).
 * Commands are rejected at once while it reconnects, so no call waits for that.</li>
 * <li>Cluster: when a call times out or cannot reach its node, and every second while the breaker is open (no call
 * reaches Redis then), the topology is refreshed (one refresh at a time, at most one a second), so that the slots of a
 * failed primary go to its replica as soon as Redis has promoted it.</li>
 * <li>Both: when Lettuce reconnects a data connection (Cluster: when the topology changed) while the breaker is open,
 * the breaker goes half-open at once instead of waiting out its open state, so the next calls probe the promoted node.
 * This happens at most once each time the breaker opens; if the probes fail, the breaker opens again as usual.</li>
 * </ul>
 * Applies to the client of a {@link LettuceConnectionFactory}; it is turned off with
 * {@code cache-starter.resilience.follow-failover=false}.
 */
public final class FailoverFollower implements RedisConnectionStateListener, SmartLifecycle {

	/** The least time between two topology refreshes caused by failed calls. */
	static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

	/** How long after Lettuce announced a new cluster topology the breaker probes: it routes by it by then. */
	private static final Duration TOPOLOGY_SETTLE = Duration.ofMillis(100);

	private static final Log logger = LogFactory.getLog(FailoverFollower.class);

	private static final RateLimitedLog log = new RateLimitedLog(FailoverFollower.class, Duration.ofSeconds(30));

	private final LettuceConnectionFactory connectionFactory;

	private final CircuitBreaker circuitBreaker;

	/** The client's data connections (not its Sentinel lookups), so that they can be made to reconnect. */
	private final Set<RedisChannelHandler<?, ?>> connections = Collections.synchronizedSet(
			Collections.newSetFromMap(new WeakHashMap<>()));

	/** Set when the breaker opens, cleared by the first reconnect that moves it to half-open. */
	private final AtomicBoolean probeOnReconnect = new AtomicBoolean();

	private final AtomicBoolean refreshing = new AtomicBoolean();

	private final AtomicLong lastRefreshNanos = new AtomicLong(System.nanoTime() - MIN_REFRESH_INTERVAL.toNanos());

	private final long minRefreshIntervalNanos;

	private final AtomicBoolean listensToBreaker = new AtomicBoolean();

	private volatile @Nullable AbstractRedisClient client;

	private @Nullable Disposable topologyEvents;

	/** Refreshes the cluster topology while the breaker stays open; {@code null} when it is not. */
	private @Nullable ScheduledFuture<?> refreshWhileOpen;

	/**
	 * Creates a follower of the client of {@code connectionFactory}; it follows once started (after the factory).
	 * @param connectionFactory the connection factory whose Lettuce client to follow
	 * @param circuitBreaker the breaker every Redis call of the starter goes through
	 */
	public FailoverFollower(LettuceConnectionFactory connectionFactory, CircuitBreaker circuitBreaker) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(circuitBreaker, "'circuitBreaker' must not be null");
		this.connectionFactory = connectionFactory;
		this.circuitBreaker = circuitBreaker;
		this.minRefreshIntervalNanos = MIN_REFRESH_INTERVAL.toNanos();
	}

	/** Registers with the client (which the factory creates when it starts) and the breaker. */
	@Override
	public synchronized void start() {
		if (this.client != null) {
			return;
		}
		AbstractRedisClient started = this.connectionFactory.getRequiredNativeClient();
		started.addListener(this);
		if (started instanceof RedisClusterClient) {
			this.topologyEvents = started.getResources()
				.eventBus()
				.get()
				.filter(ClusterTopologyChangedEvent.class::isInstance)
				// Lettuce announces a new topology just before it routes by it: probe once it does.
				.subscribe((event) -> started.getResources()
					.eventExecutorGroup()
					.schedule(() -> probeNow("the cluster topology changed"), TOPOLOGY_SETTLE.toMillis(),
							TimeUnit.MILLISECONDS));
		}
		if (this.listensToBreaker.compareAndSet(false, true)) {
			// Resilience4j cannot unregister a consumer: while stopped, the handlers return at once.
			this.circuitBreaker.getEventPublisher().onStateTransition(this::onStateTransition);
			this.circuitBreaker.getEventPublisher().onError(this::onError);
		}
		this.client = started;
	}

	/** Stops following: no more reconnects, refreshes or probes. */
	@Override
	public synchronized void stop() {
		AbstractRedisClient current = this.client;
		this.client = null;
		if (current != null) {
			current.removeListener(this);
		}
		if (this.refreshWhileOpen != null) {
			this.refreshWhileOpen.cancel(false);
			this.refreshWhileOpen = null;
		}
		Disposable events = this.topologyEvents;
		this.topologyEvents = null;
		if (events != null) {
			events.dispose();
		}
		this.connections.clear();
	}

	@Override
	public boolean isRunning() {
		return this.client != null;
	}

	@Override
	public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
		if (this.client == null || connection instanceof StatefulRedisSentinelConnection) {
			return;
		}
		this.connections.add(connection);
		if (!(this.client instanceof RedisClusterClient)) {
			probeNow("Lettuce connected to " + socketAddress);
		}
	}

	private void onStateTransition(CircuitBreakerOnStateTransitionEvent event) {
		AbstractRedisClient current = this.client;
		if (current == null || event.getStateTransition().getToState() != State.OPEN) {
			return;
		}
		this.probeOnReconnect.set(true);
		if (current instanceof RedisClusterClient cluster) {
			refreshTopology(cluster);
			refreshWhileOpen(cluster);
		}
		else {
			reconnect();
		}
	}

	/** A timeout or a connection failure, not an error that Redis answered with (such as NOPERM or OOM). */
	private void onError(CircuitBreakerOnErrorEvent event) {
		if (this.client instanceof RedisClusterClient cluster && !answeredByRedis(event.getThrowable())) {
			refreshTopology(cluster);
		}
	}

	/**
	 * Disconnects every open data connection; Lettuce's watchdog then reconnects each, resolving the address again
	 * (a connection that is already disconnected is being reconnected that way). Where no connection can be handled
	 * so (none was seen yet, or they are not plain Lettuce connections), the factory's shared connection is reset
	 * instead and created anew on its next use.
	 */
	private void reconnect() {
		List<RedisChannelHandler<?, ?>> tracked;
		synchronized (this.connections) {
			tracked = new ArrayList<>(this.connections);
		}
		int disconnected = 0;
		int reconnecting = 0;
		for (RedisChannelHandler<?, ?> connection : tracked) {
			DefaultEndpoint endpoint = endpointOf(connection.getChannelWriter());
			if (connection.isClosed() || endpoint == null) {
				continue;
			}
			if (connection.isOpen()) {
				endpoint.disconnect();
				disconnected++;
			}
			else {
				reconnecting++;
			}
		}
		if (disconnected + reconnecting == 0) {
			this.connectionFactory.resetConnection();
		}
		if (logger.isInfoEnabled()) {
			logger.info("The Redis circuit breaker opened: " + ((disconnected + reconnecting > 0)
					? "reconnecting " + (disconnected + reconnecting) + " connection(s)" : "resetting the connection")
					+ " so that Lettuce looks up the Redis primary again, in case it failed over");
		}
	}

	/** While the breaker is open no call fails, so nothing else would trigger a refresh. */
	private synchronized void refreshWhileOpen(RedisClusterClient cluster) {
		if (this.refreshWhileOpen != null && !this.refreshWhileOpen.isDone()) {
			return;
		}
		long period = this.minRefreshIntervalNanos;
		ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
		Runnable refresh = () -> {
			if (this.client != cluster || this.circuitBreaker.getState() != State.OPEN) {
				ScheduledFuture<?> task = self[0];
				if (task != null) {
					task.cancel(false);
				}
				return;
			}
			refreshTopology(cluster);
		};
		self[0] = cluster.getResources().eventExecutorGroup().scheduleAtFixedRate(refresh, period, period,
				TimeUnit.NANOSECONDS);
		this.refreshWhileOpen = self[0];
	}

	private void refreshTopology(RedisClusterClient cluster) {
		long last = this.lastRefreshNanos.get();
		long now = System.nanoTime();
		if (now - last < this.minRefreshIntervalNanos || !this.lastRefreshNanos.compareAndSet(last, now)
				|| !this.refreshing.compareAndSet(false, true)) {
			return;
		}
		try {
			cluster.refreshPartitionsAsync().whenComplete((ignored, failure) -> {
				this.refreshing.set(false);
				if (failure != null) {
					log.warn("refresh", () -> "Refreshing the Redis Cluster topology failed", failure);
				}
			});
		}
		catch (RuntimeException ex) {
			this.refreshing.set(false);
			log.warn("refresh", () -> "Refreshing the Redis Cluster topology failed", ex);
		}
	}

	/** Lets the breaker probe Redis now, once per opening, when there is reason to think it is back. */
	private void probeNow(String reason) {
		if (this.circuitBreaker.getState() != State.OPEN || !this.probeOnReconnect.compareAndSet(true, false)) {
			return;
		}
		try {
			this.circuitBreaker.transitionToHalfOpenState();
			if (logger.isInfoEnabled()) {
				logger.info("Probing Redis before the circuit breaker's open state has passed: " + reason);
			}
		}
		catch (IllegalStateTransitionException ex) {
			// It left the open state meanwhile (for example by its own timer): nothing to do.
		}
	}

	private static boolean answeredByRedis(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandExecutionException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static @Nullable DefaultEndpoint endpointOf(RedisChannelWriter writer) {
		RedisChannelWriter current = writer;
		while (!(current instanceof DefaultEndpoint) && current instanceof Delegating<?> delegating
				&& delegating.getDelegate() instanceof RedisChannelWriter delegate) {
			current = delegate;
		}
		return (current instanceof DefaultEndpoint endpoint) ? endpoint : null;
	}

}
