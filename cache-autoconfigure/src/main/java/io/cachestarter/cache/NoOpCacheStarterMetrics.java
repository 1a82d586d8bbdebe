package io.cachestarter.cache;

/**
 * Records nothing: used when Micrometer is absent.
 */
enum NoOpCacheStarterMetrics implements CacheStarterMetrics {

	INSTANCE;

	@Override
	public void recordLatency(String cache, String operation, long nanos) {
	}

	@Override
	public void recordLoad(String cache, long nanos) {
	}

	@Override
	public void recordFallback(String cache, String reason) {
	}

	@Override
	public void recordError(String cache, String type) {
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
