package io.cachestarter.bulk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.testapp.Product;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.Cacheable;

/**
 * A catalog with a multi-key and a one-key read of the same cache, over an in-memory "database", recording the keys
 * each call of the multi-key method received.
 */
public class BulkCatalog {

	private final Map<Long, Product> database = new ConcurrentHashMap<>();

	private final List<List<Long>> bulkCalls = new CopyOnWriteArrayList<>();

	private final List<Long> singleCalls = new CopyOnWriteArrayList<>();

	private final AtomicInteger reads = new AtomicInteger();

	private volatile long readMillis;

	/**
	 * Makes every read of the "database" take this long and return a product whose name says which read it was, as
	 * a record that changes between two loads would.
	 */
	public void slowAndChanging(long millis) {
		this.readMillis = millis;
	}

	public void save(Product product) {
		this.database.put(product.id(), product);
	}

	/** The keys each call of a multi-key method received, in order. */
	public List<List<Long>> bulkCalls() {
		return this.bulkCalls;
	}

	public List<Long> singleCalls() {
		return this.singleCalls;
	}

	@CacheableAll("products")
	public Map<Long, Product> findAll(Collection<Long> ids) {
		return load(ids);
	}

	@CacheableAll(cacheName = "products")
	public Map<Long, Product> findArray(long[] ids) {
		List<Long> keys = new ArrayList<>();
		for (long id : ids) {
			keys.add(id);
		}
		return load(keys);
	}

	@Cacheable("products")
	public @Nullable Product find(Long id) {
		this.singleCalls.add(id);
		return this.database.get(id);
	}

	@Cacheable(cacheNames = "products", sync = true)
	public @Nullable Product findSync(Long id) {
		this.singleCalls.add(id);
		return read(id);
	}

	@CacheableAll("tagged")
	@CacheTags({ "category:#{#value.category}", "product:#{#key}", "page:#{#ids.size()}" })
	public Map<Long, Product> findTagged(List<Long> ids) {
		return load(ids);
	}

	private Map<Long, Product> load(Collection<Long> ids) {
		this.bulkCalls.add(List.copyOf(ids));
		Map<Long, Product> found = new HashMap<>();
		for (Long id : ids) {
			Product product = read(id);
			if (product != null) {
				found.put(id, product);
			}
		}
		return found;
	}

	private @Nullable Product read(Long id) {
		Product product = this.database.get(id);
		long millis = this.readMillis;
		if (millis == 0 || product == null) {
			return product;
		}
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
		return product.withName(product.name() + " read " + this.reads.incrementAndGet());
	}

}
