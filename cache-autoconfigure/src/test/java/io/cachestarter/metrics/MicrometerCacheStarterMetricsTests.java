package io.cachestarter.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerCacheStarterMetrics}: every meter of the contract, by name and tags.
 */
class MicrometerCacheStarterMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerCacheStarterMetrics metrics = new MicrometerCacheStarterMetrics(this.registry);

	@Test
	void registersNothingBeforeTheFirstEvent() {
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void recordsLatencyPerCacheAndOperationWithPercentiles() {
		this.metrics.recordLatency("products", "get", Duration.ofMillis(2).toNanos());
		this.metrics.recordLatency("products", "get", Duration.ofMillis(4).toNanos());
		this.metrics.recordLatency("products", "put", Duration.ofMillis(3).toNanos());
		this.metrics.recordLatency("products", "evict", Duration.ofMillis(1).toNanos());
		this.metrics.recordLatency("orders", "get", Duration.ofMillis(1).toNanos());
		Timer get = this.registry.get("cache.starter.latency").tags("cache", "products", "operation", "get").timer();
		assertThat(get.count()).isEqualTo(2);
		assertThat(get.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(6.0);
		assertThat(get.takeSnapshot().percentileValues()).extracting(ValueAtPercentile::percentile)
			.containsExactly(0.5, 0.95, 0.99);
		assertThat(this.registry.get("cache.starter.latency").tags("cache", "products", "operation", "put").timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("cache.starter.latency").tags("cache", "products", "operation", "evict").timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("cache.starter.latency").tags("cache", "orders", "operation", "get").timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("cache.starter.latency").timers()).hasSize(4);
	}

	@Test
	void recordsLoadTime() {
		this.metrics.recordLoad("products", Duration.ofMillis(25).toNanos());
		Timer loads = this.registry.get("cache.starter.loads").tags("cache", "products").timer();
		assertThat(loads.count()).isEqualTo(1);
		assertThat(loads.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(25.0);
		assertThat(tagKeys(loads)).containsExactly("cache");
	}

	@Test
	void countsFallbacksByReason() {
		this.metrics.recordFallback("products", "error");
		this.metrics.recordFallback("products", "timeout");
		this.metrics.recordFallback("products", "timeout");
		this.metrics.recordFallback("products", "circuit_open");
		this.metrics.recordFallback("", "error");
		assertThat(count("cache.starter.fallbacks", "cache", "products", "reason", "error")).isEqualTo(1);
		assertThat(count("cache.starter.fallbacks", "cache", "products", "reason", "timeout")).isEqualTo(2);
		assertThat(count("cache.starter.fallbacks", "cache", "products", "reason", "circuit_open")).isEqualTo(1);
		assertThat(count("cache.starter.fallbacks", "cache", "", "reason", "error")).isEqualTo(1);
	}

	@Test
	void countsErrorsByType() {
		this.metrics.recordError("products", "deserialization");
		this.metrics.recordError("products", "oversize");
		this.metrics.recordError("products", "oversize");
		assertThat(count("cache.starter.errors", "cache", "products", "type", "deserialization")).isEqualTo(1);
		assertThat(count("cache.starter.errors", "cache", "products", "type", "oversize")).isEqualTo(2);
	}

	@Test
	void countsStampedeWaitsStaleServesAndRefreshesPerCache() {
		this.metrics.recordStampedeWait("products");
		this.metrics.recordStampedeWait("products");
		this.metrics.recordStaleServed("products");
		this.metrics.recordRefresh("products");
		this.metrics.recordRefresh("orders");
		assertThat(count("cache.starter.stampede.waits", "cache", "products")).isEqualTo(2);
		assertThat(count("cache.starter.stale.served", "cache", "products")).isEqualTo(1);
		assertThat(count("cache.starter.refreshes", "cache", "products")).isEqualTo(1);
		assertThat(count("cache.starter.refreshes", "cache", "orders")).isEqualTo(1);
	}

	@Test
	void countsRemovedEntriesOfTagInvalidationsWithoutCacheTag() {
		this.metrics.recordTagInvalidations(3);
		this.metrics.recordTagInvalidations(0);
		this.metrics.recordTagInvalidations(2);
		Counter counter = this.registry.get("cache.starter.tag.invalidations").counter();
		assertThat(counter.count()).isEqualTo(5);
		assertThat(counter.getId().getTags()).isEmpty();
	}

	@Test
	void countsLocalGetsByResult() {
		this.metrics.recordLocalGet("products", true);
		this.metrics.recordLocalGet("products", true);
		this.metrics.recordLocalGet("products", false);
		assertThat(count("cache.starter.local.gets", "cache", "products", "result", "hit")).isEqualTo(2);
		assertThat(count("cache.starter.local.gets", "cache", "products", "result", "miss")).isEqualTo(1);
	}

	@Test
	void keepsOneMeterPerCacheAndTags() {
		for (int i = 0; i < 100; i++) {
			this.metrics.recordLatency("products", "get", 1_000);
			this.metrics.recordFallback("products", "error");
		}
		assertThat(this.registry.get("cache.starter.latency").timers()).hasSize(1);
		assertThat(this.registry.get("cache.starter.fallbacks").counters()).hasSize(1);
		assertThat(count("cache.starter.fallbacks", "cache", "products", "reason", "error")).isEqualTo(100);
	}

	private double count(String name, String... tags) {
		return this.registry.get(name).tags(tags).counter().count();
	}

	private static java.util.List<String> tagKeys(Meter meter) {
		return meter.getId().getTags().stream().map(Tag::getKey).toList();
	}

}
