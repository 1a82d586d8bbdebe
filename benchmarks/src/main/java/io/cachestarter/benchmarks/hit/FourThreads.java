package io.cachestarter.benchmarks.hit;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link CacheHitBenchmarks} with four threads sharing one application context and one Redis connection, as
 * request threads of a web application do.
 */
@State(Scope.Benchmark)
@Threads(4)
public class FourThreads extends CacheHitBenchmarks {

}
