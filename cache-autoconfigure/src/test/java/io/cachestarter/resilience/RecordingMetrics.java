package io.cachestarter.resilience;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cachestarter.metrics.CacheStarterMetrics;

/**
 * Keeps the fallbacks and errors the starter reports, for assertions.
 */
public class RecordingMetrics implements CacheStarterMetrics {

	private final List<String> fallbacks = new CopyOnWriteArrayList<>();

	private final List<String> errors = new CopyOnWriteArrayList<>();

	/** Fallbacks as {@code cache:reason}. */
	public List<String> fallbacks() {
		return this.fallbacks;
	}

	/** Errors as {@code cache:type}. */
	public List<String> errors() {
		return this.errors;
	}

	@Override
	public void recordFallback(String cache, String reason) {
		this.fallbacks.add(cache + ":" + reason);
	}

	@Override
	public void recordError(String cache, String type) {
		this.errors.add(cache + ":" + type);
	}

	@Override
	public void recordLatency(String cache, String operation, long nanos) {
	}

	@Override
	public void recordLoad(String cache, long nanos) {
	}

	@Override
	public void recordStampedeWait(String cache) {
	}

	@Override
	public void recordStaleServed(String cache) {
	}

	@Override
	public void recordRefresh(String cache) {
	}

	@Override
	public void recordTagInvalidations(long count) {
	}

	@Override
	public void recordLocalGet(String cache, boolean hit) {
	}

}
