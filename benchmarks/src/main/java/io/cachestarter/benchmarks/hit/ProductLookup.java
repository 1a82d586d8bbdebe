package io.cachestarter.benchmarks.hit;

import java.util.concurrent.CompletableFuture;

import org.springframework.cache.annotation.Cacheable;

/**
 * The bean behind the {@code @Cacheable} proxy. Its methods do no work of their own, so a benchmark measures the
 * cache and nothing else.
 */
public class ProductLookup {

	private static final BenchProduct LOADED = BenchProduct.of(0);

	/**
	 * A cached read; every benchmark key is written before measuring, so this is a hit.
	 */
	@Cacheable("products")
	public BenchProduct find(long id) {
		return BenchProduct.of(id);
	}

	/**
	 * The same read through the asynchronous face ({@code Cache.retrieve}); its keys are written before measuring.
	 */
	@Cacheable("asyncProducts")
	public CompletableFuture<BenchProduct> findAsync(long id) {
		return CompletableFuture.completedFuture(BenchProduct.of(id));
	}

	/**
	 * A cached read of a key never asked for before: the miss path (lookup, the loader, the write) with a loader
	 * that returns a ready value.
	 */
	@Cacheable("misses")
	public BenchProduct load(long id) {
		return LOADED;
	}

}
