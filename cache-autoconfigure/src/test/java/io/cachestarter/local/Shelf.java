package io.cachestarter.local;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.WriteThrough;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * One instance's service over a database that several instances share: its cached methods count how often they
 * really run, and a load can be held open to set up a race.
 */
public class Shelf {

	private final ShelfDatabase database;

	private final AtomicInteger loads = new AtomicInteger();

	private volatile @Nullable Hold hold;

	public Shelf(ShelfDatabase database) {
		this.database = database;
	}

	public int loads() {
		return this.loads.get();
	}

	/** The next load reads the database, then waits until {@code release} is counted down. */
	public void holdNextLoad(CountDownLatch started, CountDownLatch release) {
		this.hold = new Hold(started, release);
	}

	@Cacheable("items")
	public @Nullable String find(long id) {
		return load(id);
	}

	@Cacheable(cacheNames = "items", sync = true)
	public @Nullable String findSync(long id) {
		return load(id);
	}

	@Cacheable(cacheNames = "items", key = "#id")
	@CacheTags("shelf")
	public @Nullable String findTagged(long id) {
		return load(id);
	}

	@CacheableAll("items")
	public Map<Long, String> findAll(Collection<Long> ids) {
		Map<Long, String> rows = new HashMap<>();
		for (Long id : ids) {
			this.loads.incrementAndGet();
			String value = this.database.get(id);
			if (value != null) {
				rows.put(id, value);
			}
		}
		return rows;
	}

	@CachePut(cacheNames = "items", key = "#id")
	public String update(long id, String value) {
		this.database.put(id, value);
		return value;
	}

	@WriteThrough(cache = "items", key = "#id")
	public String save(long id, String value) {
		this.database.put(id, value);
		return value;
	}

	@CacheEvict("items")
	public void evict(long id) {
	}

	@CacheEvict(cacheNames = "items", allEntries = true)
	public void clear() {
	}

	private @Nullable String load(long id) {
		this.loads.incrementAndGet();
		String value = this.database.get(id);
		Hold hold = this.hold;
		if (hold != null) {
			this.hold = null;
			hold.started.countDown();
			try {
				hold.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return value;
	}

	private record Hold(CountDownLatch started, CountDownLatch release) {
	}

}
