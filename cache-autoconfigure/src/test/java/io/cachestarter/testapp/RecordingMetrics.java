package io.cachestarter.testapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.cache.CacheStarterMetrics;

/**
 * Counts the starter's events by name, for tests that need to see a counter move without Micrometer.
 */
public class RecordingMetrics implements CacheStarterMetrics {

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	public long count(String event) {
		AtomicLong count = this.counts.get(event);
		return (count != null) ? count.get() : 0;
	}

	private void add(String event, long amount) {
		this.counts.computeIfAbsent(event, (key) -> new AtomicLong()).addAndGet(amount);
	}

	@Override
	public void recordLatency(String cache, String operation, long nanos) {
		add("latency:" + cache + ":" + operation, 1);
	}

	@Override
	public void recordLoad(String cache, long nanos) {
		add("load:" + cache, 1);
	}

	@Override
	public void recordFallback(String cache, String reason) {
		add("fallback:" + cache + ":" + reason, 1);
	}

	@Override
	public void recordError(String cache, String type) {
		add("error:" + cache + ":" + type, 1);
	}

	@Override
	public void recordStampedeWait(String cache) {
		add("stampede.wait:" + cache, 1);
	}

	@Override
	public void recordStaleServed(String cache) {
		add("stale.served:" + cache, 1);
	}

	@Override
	public void recordRefresh(String cache) {
		add("refresh:" + cache, 1);
	}

	@Override
	public void recordTagInvalidations(long count) {
		add("tag.invalidations", count);
	}

	@Override
	public void recordLocalGet(String cache, boolean hit) {
		add("local.get:" + cache + ":" + hit, 1);
	}

}
