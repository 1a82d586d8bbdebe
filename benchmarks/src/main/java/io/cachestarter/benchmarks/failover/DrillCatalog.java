package io.cachestarter.benchmarks.failover;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.cache.annotation.Cacheable;

/** The cached service of the drill: its "database" answers in about a millisecond. */
public class DrillCatalog {

	static final String CACHE = "items";

	@Cacheable(CACHE)
	public String find(long id) {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		return row(id);
	}

	/** What the database holds for an id: every call must return exactly this. */
	static String row(long id) {
		return "row-" + id;
	}

	/** The Redis key of an id's entry, with the drill application's key prefix. */
	static String key(long id) {
		return "drill:" + CACHE + ":v1::" + id;
	}

}
