package io.cachestarter.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The database several application instances share in a test.
 */
public final class ShelfDatabase {

	private final Map<Long, String> rows = new ConcurrentHashMap<>();

	public void put(long id, String value) {
		this.rows.put(id, value);
	}

	public @Nullable String get(long id) {
		return this.rows.get(id);
	}

}
