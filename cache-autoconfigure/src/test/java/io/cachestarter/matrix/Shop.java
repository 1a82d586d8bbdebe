package io.cachestarter.matrix;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.WriteThrough;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * The cached service of the matrix: one cache per row, so rows never see each other's entries.
 */
public class Shop {

	private final ShopDatabase database;

	private final List<List<Long>> bulkCalls = new CopyOnWriteArrayList<>();

	public Shop(ShopDatabase database) {
		this.database = database;
	}

	@Cacheable("ttl")
	public String ttl(long id) {
		return this.database.read(id);
	}

	@Cacheable("cleared")
	public String cleared(long id) {
		return this.database.read(id);
	}

	@Cacheable(cacheNames = "hot", sync = true)
	public String hot(long id) {
		return this.database.read(id);
	}

	@Cacheable(cacheNames = "refreshed", sync = true)
	public String refreshed(long id) {
		return this.database.read(id);
	}

	@Cacheable(cacheNames = "stale", sync = true)
	public String stale(long id) {
		return this.database.read(id);
	}

	@Cacheable(cacheNames = "tagged", key = "#id")
	@CacheTags("group:#{#group}")
	public String tagged(long id, String group) {
		return this.database.read(id);
	}

	@WriteThrough(cache = "versioned", key = "#result.id", version = "#result.version")
	public Item save(Item item) {
		this.database.put(item.id(), item.name());
		return item;
	}

	@Cacheable("replayed")
	public String replayed(long id) {
		return this.database.read(id);
	}

	@CacheEvict(cacheNames = "replayed", key = "#id")
	public void change(long id, String value) {
		this.database.put(id, value);
	}

	@Cacheable("bulk")
	public String bulkOne(Long id) {
		return this.database.read(id);
	}

	/** Reads many rows; records which ids it received. */
	@CacheableAll("bulk")
	public Map<Long, String> bulk(Collection<Long> ids) {
		this.bulkCalls.add(List.copyOf(ids));
		Map<Long, String> rows = new HashMap<>();
		for (Long id : ids) {
			rows.put(id, this.database.read(id));
		}
		return rows;
	}

	List<List<Long>> bulkCalls() {
		return this.bulkCalls;
	}

	@Cacheable("near")
	public String near(long id) {
		return this.database.read(id);
	}

	@CachePut(cacheNames = "near", key = "#id")
	public String putNear(long id, String value) {
		this.database.put(id, value);
		return value;
	}

	/**
	 * A versioned value.
	 * @param id its id
	 * @param name its content
	 * @param version its version
	 */
	public record Item(long id, String name, long version) {
	}

}
