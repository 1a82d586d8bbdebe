package io.cachestarter.benchmarks.metrics;

import java.util.concurrent.TimeUnit;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.metrics.MicrometerCacheStarterMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the starter's meters add to a cache hit without the Redis round trip that hides it: recording
 * {@code cache.starter.latency} for a get (a percentile-publishing timer on a Prometheus registry) against the no-op
 * metrics.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar MeterRecordingBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MeterRecordingBenchmark {

	@Param({ "noop", "prometheus" })
	public String metrics;

	private CacheStarterMetrics recorder;

	private long nanos;

	@Setup
	public void setUp() {
		this.recorder = "noop".equals(this.metrics) ? CacheStarterMetrics.noop()
				: new MicrometerCacheStarterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
	}

	@Benchmark
	public void recordGetLatency() {
		this.nanos = (this.nanos + 997) & 0xFFFFF; // varying values up to ~1 ms
		this.recorder.recordLatency("products", "get", 20_000 + this.nanos);
	}

}
