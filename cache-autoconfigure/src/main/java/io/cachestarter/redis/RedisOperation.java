package io.cachestarter.redis;

import java.util.Locale;

/**
 * The kinds of Redis call the starter makes, as they appear in logs and meter tags.
 */
public enum RedisOperation {

	/** Reading an entry. */
	GET,
	/** Writing an entry. */
	PUT,
	/** Removing one entry. */
	EVICT,
	/** Removing every entry of a cache. */
	CLEAR,
	/** Taking, checking or releasing a single-flight lock. */
	LOCK,
	/** Writing or reading tag bookkeeping. */
	TAG,
	/** Removing every entry of a tag. */
	INVALIDATE,
	/** A versioned write-through write. */
	WRITE_THROUGH,
	/** A health or server-information probe. */
	PROBE,
	/** Publishing a near-cache invalidation (or its liveness ping) to the other instances. */
	PUBLISH;

	private final String tagValue = name().toLowerCase(Locale.ROOT);

	/**
	 * Returns the name used in meter tags and logs.
	 * @return for example {@code get}
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
