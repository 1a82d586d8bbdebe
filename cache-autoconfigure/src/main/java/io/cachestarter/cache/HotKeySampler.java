package io.cachestarter.cache;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.cache.CacheCounters.HotKey;

/**
 * A bounded, sampled count of the most requested keys of one cache. One get in {@value #SAMPLE_ONE_IN} is counted;
 * at most {@value #CAPACITY} keys are tracked (a new key is ignored while the table is full); every
 * {@value #DECAY_EVERY} samples all counts are halved and keys whose count reaches zero are dropped, so the ranking
 * follows current traffic and frees room for new keys.
 * <p>
 * A get that is not sampled costs one thread-local random number. Counts are approximate by design: concurrent
 * samples may be lost during a decay.
 */
final class HotKeySampler {

	static final int SAMPLE_ONE_IN = 16;

	static final int CAPACITY = 128;

	static final int DECAY_EVERY = 1024;

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	private final AtomicInteger samples = new AtomicInteger();

	void sample(String redisKey) {
		if ((ThreadLocalRandom.current().nextInt() & (SAMPLE_ONE_IN - 1)) == 0) {
			record(redisKey);
		}
	}

	/**
	 * Counts one get of a key unconditionally (the sampling decision is taken by {@link #sample(String)}).
	 * @param redisKey the key
	 */
	void record(String redisKey) {
		AtomicLong count = this.counts.get(redisKey);
		if (count == null && this.counts.size() < CAPACITY) {
			count = this.counts.computeIfAbsent(redisKey, (key) -> new AtomicLong());
		}
		if (count != null) {
			count.incrementAndGet();
		}
		if (this.samples.incrementAndGet() % DECAY_EVERY == 0) {
			decay();
		}
	}

	private void decay() {
		this.counts.forEach((key, count) -> {
			if (count.updateAndGet((value) -> value >> 1) == 0) {
				this.counts.remove(key, count);
			}
		});
	}

	List<HotKey> hottest(int limit) {
		return this.counts.entrySet()
			.stream()
			.map((entry) -> new HotKey(entry.getKey(), entry.getValue().get()))
			.filter((hotKey) -> hotKey.sampledGets() > 0)
			.sorted(Comparator.comparingLong(HotKey::sampledGets).reversed().thenComparing(HotKey::redisKey))
			.limit(limit)
			.toList();
	}

}
