package io.cachestarter.local;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.RedisGuard;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * The receiving side of the invalidation channel, and the watch that decides whether the near caches may serve.
 * <p>
 * It holds one dedicated Lettuce pub/sub connection: {@code SUBSCRIBE} on standalone and Sentinel, {@code SSUBSCRIBE}
 * on the primary that owns the channel's slot on a cluster (sharded pub/sub: a message costs one shard, not every
 * node of the cluster). Every {@code pingInterval} it publishes a ping over the channel, through the same path as
 * the invalidations, and expects it back: the near caches serve only after a ping sent since the last loss came
 * back. They stop serving at once when the connection drops, when the server ends the subscription (a slot moved
 * in a failover), when the circuit breaker holds Redis calls back, or when no ping came back within
 * {@code pingDeadline} (a subscription that died silently, or a frozen Redis). A subscription that stays lost for
 * {@code pingDeadline} is closed and opened anew (on a cluster after a refresh of the topology), until a ping comes
 * back; then the near caches are cleared and serve again.
 */
public final class InvalidationSubscription implements SmartLifecycle {

	/** How often the liveness ping is published. */
	public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);

	/** How long a ping may take to come back before the subscription counts as dead. */
	public static final Duration DEFAULT_PING_DEADLINE = Duration.ofSeconds(3);

	private static final Log logger = LogFactory.getLog(InvalidationSubscription.class);

	private static final RateLimitedLog log = new RateLimitedLog(InvalidationSubscription.class,
			Duration.ofSeconds(30));

	private final LettuceConnectionFactory connectionFactory;

	private final LocalNearCaches caches;

	private final RedisGuard guard;

	private final byte[] channel;

	private final InvalidationPublisher publisher;

	private final long intervalNanos;

	private final long deadlineNanos;

	private @Nullable ScheduledExecutorService watch;

	private volatile boolean running;

	/** Touched by the watch thread only. */
	private @Nullable AutoCloseable connection;

	/** The connection whose events count; events of older connections are ignored. */
	private volatile long generation;

	private volatile long pingSequence;

	/** The last ping sent before the latest loss: only a later ping coming back proves the subscription. */
	private volatile long lostAtSequence;

	private volatile long lostSinceNanos = System.nanoTime();

	private volatile long lastPongNanos;

	/**
	 * Creates the subscription; it starts with the application context.
	 * @param connectionFactory the starter's Lettuce connection factory, whose client it shares
	 * @param caches the near caches it feeds
	 * @param guard the guard of the starter's Redis calls
	 * @param pingInterval how often a ping is published
	 * @param pingDeadline how long a ping may take to come back
	 */
	public InvalidationSubscription(LettuceConnectionFactory connectionFactory, LocalNearCaches caches,
			RedisGuard guard, Duration pingInterval, Duration pingDeadline) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.isTrue(!pingInterval.isNegative() && !pingInterval.isZero(), "'pingInterval' must be positive");
		Assert.isTrue(pingDeadline.compareTo(pingInterval) > 0, "'pingDeadline' must be longer than 'pingInterval'");
		this.connectionFactory = connectionFactory;
		this.caches = caches;
		this.guard = guard;
		this.channel = caches.channel();
		this.publisher = caches.publisher();
		this.intervalNanos = pingInterval.toNanos();
		this.deadlineNanos = pingDeadline.toNanos();
	}

	@Override
	public void start() {
		ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cache-starter-l1-watch");
			thread.setDaemon(true);
			return thread;
		});
		this.watch = watch;
		this.running = true;
		watch.scheduleWithFixedDelay(this::tick, 0, this.intervalNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		this.caches.disconnected();
		ScheduledExecutorService watch = this.watch;
		if (watch != null) {
			watch.shutdownNow();
			try {
				watch.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		closeConnection();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Runs on the watch thread only. */
	private void tick() {
		if (!this.running) {
			return;
		}
		try {
			long now = System.nanoTime();
			if (!this.guard.isAvailable()) {
				lost(this.generation, "the circuit breaker holds Redis calls back");
				return;
			}
			if (this.caches.state() == LocalNearCaches.State.LISTENING) {
				if (now - this.lastPongNanos > this.deadlineNanos) {
					lost(this.generation, "no ping came back within " + Duration.ofNanos(this.deadlineNanos));
					reconnect();
				}
			}
			else if (this.connection == null || now - this.lostSinceNanos > this.deadlineNanos) {
				reconnect();
			}
			ping();
		}
		catch (Throwable ex) {
			log.warn("l1-watch", () -> "The watch of the L1 invalidation channel failed", ex);
		}
	}

	private void ping() {
		if (this.connection != null) {
			long sequence = ++this.pingSequence;
			this.publisher.publish(InvalidationMessage.ping(this.caches.instanceId(), sequence));
		}
	}

	private void reconnect() {
		closeConnection();
		this.lostSinceNanos = System.nanoTime();
		long generation = ++this.generation;
		Listener listener = new Listener(generation);
		try {
			this.connection = subscribe(listener);
		}
		catch (Exception ex) {
			closeConnection();
			log.warn("l1-subscribe", () -> "Cannot subscribe to the L1 invalidation channel; near caches are bypassed "
					+ "until it succeeds", ex);
		}
	}

	private AutoCloseable subscribe(Listener listener) throws Exception {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			try {
				cluster.refreshPartitions();
			}
			catch (RuntimeException ex) {
				// The last known topology will do; the next attempt refreshes again.
			}
			StatefulRedisClusterPubSubConnection<byte[], byte[]> connection = cluster
				.connectPubSub(ByteArrayCodec.INSTANCE);
			try {
				RedisClusterNode owner = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(this.channel));
				Assert.state(owner != null, "No primary serves the slot of the L1 invalidation channel");
				StatefulRedisPubSubConnection<byte[], byte[]> node = connection.getConnection(owner.getNodeId());
				listenTo(node, listener);
				node.async().ssubscribe(this.channel).get(this.deadlineNanos, TimeUnit.NANOSECONDS);
				return connection;
			}
			catch (Exception ex) {
				connection.closeAsync();
				throw ex;
			}
		}
		StatefulRedisPubSubConnection<byte[], byte[]> connection = ((RedisClient) client)
			.connectPubSub(ByteArrayCodec.INSTANCE);
		try {
			listenTo(connection, listener);
			connection.async().subscribe(this.channel).get(this.deadlineNanos, TimeUnit.NANOSECONDS);
			return connection;
		}
		catch (Exception ex) {
			connection.closeAsync();
			throw ex;
		}
	}

	private static void listenTo(StatefulRedisPubSubConnection<byte[], byte[]> connection, Listener listener) {
		connection.addListener((RedisPubSubListener<byte[], byte[]>) listener);
		connection.addListener((RedisConnectionStateListener) listener);
	}

	private void closeConnection() {
		AutoCloseable connection = this.connection;
		this.connection = null;
		if (connection instanceof StatefulRedisPubSubConnection<?, ?> pubSub) {
			pubSub.closeAsync();
		}
		else if (connection != null) {
			try {
				connection.close();
			}
			catch (Exception ex) {
				// Closing a connection that is gone already.
			}
		}
	}

	private void lost(long generation, String reason) {
		if (generation != this.generation) {
			return;
		}
		boolean wasListening = this.caches.state() == LocalNearCaches.State.LISTENING;
		this.lostAtSequence = this.pingSequence;
		this.caches.disconnected();
		if (wasListening) {
			this.lostSinceNanos = System.nanoTime();
			logger.warn("L1 near caches bypassed: " + reason);
		}
	}

	private void received(long generation, byte[] bytes) {
		InvalidationMessage message = InvalidationMessage.read(bytes);
		if (message == null) {
			return;
		}
		if (!message.sender().equals(this.caches.instanceId())) {
			this.caches.apply(message);
		}
		else if (message.kind() == InvalidationMessage.Kind.PING && generation == this.generation
				&& message.sequence() > this.lostAtSequence) {
			this.lastPongNanos = System.nanoTime();
			if (this.caches.state() != LocalNearCaches.State.LISTENING) {
				this.caches.listening();
				logger.info("L1 near caches serve again: the invalidation channel is live (cleared first)");
			}
		}
	}

	private void subscribed(long generation) {
		// A (re)subscription: prove it with a ping now rather than at the next tick.
		ScheduledExecutorService watch = this.watch;
		if (generation == this.generation && watch != null && this.running) {
			try {
				watch.execute(this::ping);
			}
			catch (RuntimeException ex) {
				// Shutting down.
			}
		}
	}

	/** The events of one connection. */
	private final class Listener implements RedisPubSubListener<byte[], byte[]>, RedisConnectionStateListener {

		private final long generation;

		Listener(long generation) {
			this.generation = generation;
		}

		@Override
		public void message(byte[] channel, byte[] message) {
			if (Arrays.equals(channel, InvalidationSubscription.this.channel)) {
				received(this.generation, message);
			}
		}

		@Override
		public void message(byte[] pattern, byte[] channel, byte[] message) {
		}

		@Override
		public void smessage(byte[] channel, byte[] message) {
			message(channel, message);
		}

		@Override
		public void subscribed(byte[] channel, long count) {
			InvalidationSubscription.this.subscribed(this.generation);
		}

		@Override
		public void ssubscribed(byte[] channel, long count) {
			InvalidationSubscription.this.subscribed(this.generation);
		}

		@Override
		public void psubscribed(byte[] pattern, long count) {
		}

		@Override
		public void unsubscribed(byte[] channel, long count) {
			lost(this.generation, "the server ended the subscription");
		}

		@Override
		public void sunsubscribed(byte[] channel, long count) {
			lost(this.generation, "the server ended the sharded subscription (its slot moved)");
		}

		@Override
		public void punsubscribed(byte[] pattern, long count) {
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			lost(this.generation, "the connection of the invalidation channel was lost");
		}

	}

}
