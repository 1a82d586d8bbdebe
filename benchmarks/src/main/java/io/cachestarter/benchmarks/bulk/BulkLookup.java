package io.cachestarter.benchmarks.bulk;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.cachestarter.CacheableAll;
import io.cachestarter.benchmarks.hit.BenchProduct;

import org.springframework.cache.annotation.Cacheable;

/**
 * The bean behind the proxies: a one-key and a multi-key read of the same cache. Their bodies do no work of their
 * own, so a benchmark measures the cache and nothing else.
 */
public class BulkLookup {

	@Cacheable("bulkProducts")
	public BenchProduct find(Long id) {
		return BenchProduct.of(id);
	}

	@CacheableAll("bulkProducts")
	public Map<Long, BenchProduct> findAll(Collection<Long> ids) {
		Map<Long, BenchProduct> products = new HashMap<>();
		for (Long id : ids) {
			products.put(id, BenchProduct.of(id));
		}
		return products;
	}

}
