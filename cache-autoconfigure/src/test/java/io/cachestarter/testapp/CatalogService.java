package io.cachestarter.testapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * A service whose cached methods count how often they really run, over an in-memory "database".
 */
public class CatalogService {

	private final Map<Long, Product> database = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	public void save(Product product) {
		this.database.put(product.id(), product);
	}

	public int loads() {
		return this.loads.get();
	}

	@Cacheable("products")
	public @Nullable Product find(long id) {
		this.loads.incrementAndGet();
		return this.database.get(id);
	}

	@Cacheable(cacheNames = "products", sync = true)
	public @Nullable Product findSync(long id) {
		this.loads.incrementAndGet();
		return this.database.get(id);
	}

	@Cacheable("payloads")
	public String payload(String key, int size) {
		this.loads.incrementAndGet();
		return "x".repeat(size);
	}

	@Cacheable("counts")
	public Long count(String key) {
		this.loads.incrementAndGet();
		return 5_000_000_000L;
	}

	@CachePut(cacheNames = "products", key = "#product.id")
	public Product update(Product product) {
		this.database.put(product.id(), product);
		return product;
	}

	@CacheEvict(cacheNames = "products")
	public void delete(long id) {
		this.database.remove(id);
	}

}
