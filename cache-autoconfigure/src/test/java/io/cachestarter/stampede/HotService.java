package io.cachestarter.stampede;

import org.springframework.cache.annotation.Cacheable;

/**
 * Cached methods over a {@link SlowDatabase}.
 */
public class HotService {

	private final SlowDatabase database;

	public HotService(SlowDatabase database) {
		this.database = database;
	}

	@Cacheable(cacheNames = "hot", sync = true)
	public String find(String key) throws InterruptedException {
		return this.database.read(key);
	}

	@Cacheable(cacheNames = "hot")
	public String findUnsynchronized(String key) throws InterruptedException {
		return this.database.read(key);
	}

}
