package io.cachestarter.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.cachestarter.cache.CacheSettings;
import io.cachestarter.cache.NearCache;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;

import org.springframework.util.Assert;

/**
 * The near caches of one application instance, and what they share: the invalidation channel and whether it can be
 * trusted right now.
 * <p>
 * Every write, removal and clear that reached Redis drops the entries concerned in this instance's L1 at once (a
 * write stores the new entry here instead) and then publishes one message, so that every other instance drops them
 * too. A removal of many keys at once (a tag invalidation) is one message; above {@value #MAX_KEYS_PER_MESSAGE}
 * keys it asks the other instances to clear their near caches instead. Messages from this instance are ignored
 * when they arrive: each has been applied here before it was sent.
 * <p>
 * The near caches serve only while the subscription is {@link State#LISTENING} and the Redis guard lets calls
 * through; otherwise every read goes to Redis (or to the method). Going back to listening clears every near cache
 * first, since invalidations may have been missed meanwhile.
 */
public final class LocalNearCaches implements NearCache.Factory {

	/** The most keys one message names; more become a clear of every near cache. */
	static final int MAX_KEYS_PER_MESSAGE = 1_000;

	private final String keyPrefix;

	private final RedisGuard guard;

	private final String instanceId = UUID.randomUUID().toString();

	private final Map<String, LocalNearCache> caches = new ConcurrentHashMap<>();

	private final List<Consumer<LocalNearCache>> creationListeners = new CopyOnWriteArrayList<>();

	private final byte[] channel;

	private final InvalidationPublisher publisher;

	private volatile boolean listening;

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong resumptions = new AtomicLong();

	/**
	 * Creates the near caches of an instance. They serve once an {@link InvalidationSubscription} has proved that
	 * invalidations reach this instance.
	 * @param keyPrefix the prefix of every Redis key of the starter
	 * @param guard the guard of the starter's Redis calls: while it holds calls back, the near caches do not serve
	 * @param store the starter's Redis commands, which publish the invalidations
	 */
	public LocalNearCaches(String keyPrefix, RedisGuard guard, CacheStore store) {
		this(keyPrefix, guard, channel(keyPrefix), InvalidationPublisher.redis(store, guard, channel(keyPrefix)));
	}

	LocalNearCaches(String keyPrefix, RedisGuard guard, byte[] channel, InvalidationPublisher publisher) {
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.notNull(guard, "'guard' must not be null");
		this.keyPrefix = keyPrefix;
		this.guard = guard;
		this.channel = channel;
		this.publisher = publisher;
	}

	/**
	 * Returns the channel the invalidations of a key prefix travel on: it starts with the prefix, so that an ACL
	 * allowing {@code &<key-prefix>*} covers it.
	 * @param keyPrefix the starter's key prefix
	 * @return the channel name
	 */
	static byte[] channel(String keyPrefix) {
		return (keyPrefix + "cache-starter:l1").getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public NearCache create(CacheSettings settings) {
		if (!settings.local().enabled()) {
			return NearCache.NONE;
		}
		LocalNearCache cache = new LocalNearCache(settings, this.keyPrefix, this);
		this.caches.put(settings.name(), cache);
		this.creationListeners.forEach((listener) -> listener.accept(cache));
		return cache;
	}

	@Override
	public void afterRemove(List<byte[]> redisKeys) {
		// Published even when this instance holds no near cache yet: the others may.
		if (redisKeys.isEmpty()) {
			return;
		}
		List<String> keys = new ArrayList<>(redisKeys.size());
		for (byte[] key : redisKeys) {
			keys.add(new String(key, StandardCharsets.UTF_8));
		}
		for (String key : keys) {
			for (LocalNearCache cache : this.caches.values()) {
				if (cache.holds(key)) {
					cache.drop(key);
				}
			}
		}
		publish((keys.size() <= MAX_KEYS_PER_MESSAGE) ? InvalidationMessage.keys(this.instanceId, keys)
				: InvalidationMessage.clearAll(this.instanceId));
	}

	/**
	 * Calls a listener for every near cache created so far and from now on.
	 * @param listener what to call
	 */
	void onCreation(Consumer<LocalNearCache> listener) {
		this.creationListeners.add(listener);
		this.caches.values().forEach(listener);
	}

	byte[] channel() {
		return this.channel.clone();
	}

	InvalidationPublisher publisher() {
		return this.publisher;
	}

	/**
	 * Returns this instance's id in the messages it publishes.
	 * @return the id
	 */
	String instanceId() {
		return this.instanceId;
	}

	/**
	 * Returns whether the near caches may serve and store entries now.
	 * @return {@code true} while listening and while Redis calls go through
	 */
	boolean isServing() {
		return this.listening && this.guard.isAvailable();
	}

	/**
	 * Returns whether invalidations reach this instance.
	 * @return the state of the subscription
	 */
	public State state() {
		return this.listening ? State.LISTENING : State.DISCONNECTED;
	}

	/**
	 * Returns the near caches created so far.
	 * @return by cache name
	 */
	public Map<String, NearCache> caches() {
		return Map.copyOf(this.caches);
	}

	/**
	 * Returns how many invalidation messages of other instances this instance received.
	 * @return the count
	 */
	long received() {
		return this.received.get();
	}

	/**
	 * Returns how many times the near caches went back to serving (each time cleared first).
	 * @return the count
	 */
	long resumptions() {
		return this.resumptions.get();
	}

	/** Invalidations may be missed from now on: the near caches stop serving. */
	void disconnected() {
		this.listening = false;
	}

	/** Invalidations reach this instance again: every near cache is cleared, then serves again. */
	void listening() {
		if (!this.listening) {
			this.caches.values().forEach(LocalNearCache::clear);
			this.resumptions.incrementAndGet();
			this.listening = true;
		}
	}

	/** Applies a message another instance published. */
	void apply(InvalidationMessage message) {
		if (message.kind() != InvalidationMessage.Kind.PING) {
			this.received.incrementAndGet();
		}
		switch (message.kind()) {
			case KEYS -> {
				for (String key : message.keys()) {
					for (LocalNearCache cache : this.caches.values()) {
						if (cache.holds(key)) {
							cache.dropForPeer(key);
						}
					}
				}
			}
			case CLEAR -> {
				LocalNearCache cache = this.caches.get(message.cacheName());
				if (cache != null) {
					cache.clearForPeer();
				}
			}
			case CLEAR_ALL -> this.caches.values().forEach(LocalNearCache::clearForPeer);
			case PING -> {
			}
		}
	}

	void publishKey(String redisKey) {
		publish(InvalidationMessage.keys(this.instanceId, List.of(redisKey)));
	}

	/** One message for many keys of one cache; above the limit, a clear of that cache. */
	void publishKeys(String cacheName, List<String> redisKeys) {
		publish((redisKeys.size() <= MAX_KEYS_PER_MESSAGE) ? InvalidationMessage.keys(this.instanceId, redisKeys)
				: InvalidationMessage.clear(this.instanceId, cacheName));
	}

	void publishClear(String cacheName) {
		publish(InvalidationMessage.clear(this.instanceId, cacheName));
	}

	private void publish(byte[] message) {
		this.publisher.publish(message);
	}

	/** Whether invalidations reach this instance. */
	public enum State {

		/** Subscribed, and the last liveness ping came back in time: the near caches serve. */
		LISTENING,

		/** Not subscribed, or the subscription is not known to be alive: the near caches are bypassed. */
		DISCONNECTED

	}

}
