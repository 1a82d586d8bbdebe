package io.cachestarter.resilience;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * A cached service over an in-memory "database": every method that reads the database counts the read, so that a
 * test can tell a value served from Redis from one its method computed.
 */
public class Catalog {

	private final Map<Long, String> rows = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	@Cacheable("products")
	public String find(long id) {
		return load(id);
	}

	@Cacheable(cacheNames = "products", sync = true)
	public String findSync(long id) {
		return load(id);
	}

	@Cacheable("others")
	public String findOther(long id) {
		return load(id);
	}

	@CachePut(cacheNames = "products", key = "#id")
	public String save(long id, String value) {
		this.rows.put(id, value);
		return value;
	}

	@CacheEvict(cacheNames = "products", key = "#id")
	public void update(long id, String value) {
		this.rows.put(id, value);
	}

	@CacheEvict(cacheNames = "products", allEntries = true)
	public void updateAll(String prefix) {
		this.rows.replaceAll((id, value) -> prefix + id);
	}

	/** What the database holds: the value every call must return. */
	public String row(long id) {
		return this.rows.getOrDefault(id, "row-" + id);
	}

	public void putRow(long id, String value) {
		this.rows.put(id, value);
	}

	/** How often a method read the database. */
	public int loads() {
		return this.loads.get();
	}

	private String load(long id) {
		this.loads.incrementAndGet();
		return row(id);
	}

}
