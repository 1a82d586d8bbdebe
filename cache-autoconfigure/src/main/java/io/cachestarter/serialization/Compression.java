package io.cachestarter.serialization;

import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * When a cache stores a value compressed: only with compression on, and only when the value's JSON is at least
 * {@code threshold} long. Small values gain little and cost the compressor's fixed overhead on every write and
 * read. Reading never depends on this: every entry's header says whether its body is compressed.
 *
 * @param enabled whether the cache compresses values at all
 * @param threshold the smallest JSON that is compressed; must be greater than 0
 */
public record Compression(boolean enabled, DataSize threshold) {

	/** The built-in default threshold. */
	public static final DataSize DEFAULT_THRESHOLD = DataSize.ofKilobytes(4);

	/** No compression: every entry is written plain. */
	public static final Compression OFF = new Compression(false, DEFAULT_THRESHOLD);

	public Compression {
		Assert.notNull(threshold, "'threshold' must not be null");
		Assert.isTrue(threshold.toBytes() > 0, "'threshold' must be greater than 0");
	}

	/**
	 * Returns whether a value of this JSON length is to be stored compressed.
	 * @param jsonLength the length of the value's JSON in bytes
	 * @return {@code true} if compression is on and the JSON reaches the threshold
	 */
	boolean appliesTo(int jsonLength) {
		return this.enabled && jsonLength >= this.threshold.toBytes();
	}

}
