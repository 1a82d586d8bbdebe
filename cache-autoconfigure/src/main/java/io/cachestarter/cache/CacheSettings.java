package io.cachestarter.cache;

import java.time.Duration;

import io.cachestarter.serialization.Compression;

import org.springframework.util.Assert;

/**
 * The effective, validated settings of one cache, after per-cache values, {@code defaults} and built-in defaults
 * were merged.
 *
 * @param name the cache name
 * @param ttl time to live of an entry (upper bound of every jittered TTL)
 * @param jitter fraction in [0, 0.5] by which a write's TTL may be shortened
 * @param cacheNullValues whether {@code null} results are cached
 * @param nullTtl time to live of a cached {@code null}, at most {@code ttl}
 * @param version the version that is part of every key
 * @param refreshAhead fraction in [0, 1) of the TTL after which a hit triggers a background reload; 0 is off
 * @param staleTtl how long an entry may be served after its TTL while it reloads; zero is off
 * @param local the L1 near cache settings
 * @param compression when values are stored compressed
 */
public record CacheSettings(String name, Duration ttl, double jitter, boolean cacheNullValues, Duration nullTtl,
		int version, double refreshAhead, Duration staleTtl, Local local, Compression compression) {

	public CacheSettings {
		Assert.hasText(name, "'name' must not be empty");
		Assert.isTrue(isPositive(ttl), "'ttl' must be positive");
		Assert.isTrue(jitter >= 0 && jitter <= 0.5, "'jitter' must be in [0, 0.5]");
		Assert.isTrue(isPositive(nullTtl) && nullTtl.compareTo(ttl) <= 0, "'nullTtl' must be in (0, ttl]");
		Assert.isTrue(refreshAhead >= 0 && refreshAhead < 1, "'refreshAhead' must be in [0, 1)");
		Assert.isTrue(!staleTtl.isNegative(), "'staleTtl' must not be negative");
		Assert.notNull(compression, "'compression' must not be null");
	}

	/**
	 * Settings of the in-process L1 near cache.
	 *
	 * @param enabled whether it is on
	 * @param maxSize entries per cache
	 * @param ttl entry lifetime, at most the cache's TTL
	 */
	public record Local(boolean enabled, int maxSize, Duration ttl) {
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}
