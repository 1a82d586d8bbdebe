package io.cachestarter.benchmarks.hit;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link CacheHitBenchmarks} with one thread: the latency of one call.
 */
@State(Scope.Benchmark)
@Threads(1)
public class OneThread extends CacheHitBenchmarks {

}
