package io.cachestarter.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.CacheCounters.HotKey;
import io.cachestarter.cache.CacheCounters;
import io.cachestarter.cache.CacheSettings;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.serialization.Compression;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.util.Assert;

/**
 * The {@code cachestarter} endpoint: every cache of the starter with its effective settings, its statistics in this
 * JVM and its hottest keys (masked), and invalidation of a tag.
 * <p>
 * Durations are shown in ISO-8601 ({@code PT10M}). Hot keys never show a key in full: only its first
 * {@value #VISIBLE_KEY_CHARS} characters and the first 12 hex digits of the SHA-256 of the whole cache key.
 */
@Endpoint(id = "cachestarter")
public class CacheStarterEndpoint {

	static final int HOT_KEYS = 10;

	static final int VISIBLE_KEY_CHARS = 8;

	private final StarterCacheManager cacheManager;

	private final ObjectProvider<TagInvalidator> tagInvalidator;

	/**
	 * Creates the endpoint.
	 * @param cacheManager the starter's cache manager
	 * @param tagInvalidator invalidates tags, if the tags capability is present
	 */
	public CacheStarterEndpoint(StarterCacheManager cacheManager, ObjectProvider<TagInvalidator> tagInvalidator) {
		Assert.notNull(cacheManager, "'cacheManager' must not be null");
		Assert.notNull(tagInvalidator, "'tagInvalidator' must not be null");
		this.cacheManager = cacheManager;
		this.tagInvalidator = tagInvalidator;
	}

	/**
	 * Describes every cache created so far (declared caches and those used since start-up).
	 * @return the caches, by name
	 */
	@ReadOperation
	public CachesDescriptor caches() {
		Map<String, CacheDescriptor> caches = new TreeMap<>();
		this.cacheManager.getStarterCaches().forEach((name, cache) -> caches.put(name, describe(cache)));
		return new CachesDescriptor(caches);
	}

	/**
	 * Removes every entry carrying a tag, in every cache.
	 * @param tag the tag; a tag containing {@code /} may be given as several path segments
	 * @return the tag and how many entries were removed, or {@code null} if no {@link TagInvalidator} exists
	 */
	@DeleteOperation
	public @Nullable TagInvalidationDescriptor invalidateTag(@Selector(match = Match.ALL_REMAINING) String... tag) {
		TagInvalidator invalidator = this.tagInvalidator.getIfAvailable();
		if (invalidator == null) {
			return null;
		}
		String joined = String.join("/", tag);
		return new TagInvalidationDescriptor(joined, invalidator.invalidate(joined));
	}

	private static CacheDescriptor describe(StarterRedisCache cache) {
		CacheSettings settings = cache.getSettings();
		CacheCounters statistics = cache.getCounters();
		String entryPrefix = cache.getKeys().entryPrefix();
		List<HotKeyDescriptor> hottestKeys = statistics.hottestKeys(HOT_KEYS)
			.stream()
			.map((hotKey) -> mask(hotKey, entryPrefix))
			.toList();
		CacheSettings.Local local = settings.local();
		Compression compression = settings.compression();
		return new CacheDescriptor(entryPrefix, text(settings.ttl()), settings.jitter(), settings.version(),
				settings.cacheNullValues(), text(settings.nullTtl()), settings.refreshAhead(),
				text(settings.staleTtl()), new LocalDescriptor(local.enabled(), local.maxSize(), text(local.ttl()),
						cache.getNearCache().size(), cache.getNearCache().hits(), cache.getNearCache().misses()),
				new CompressionDescriptor(compression.enabled(), compression.threshold().toBytes()),
				statistics.hits(), statistics.misses(), statistics.hitRatio(), statistics.puts(),
				statistics.evictions(), hottestKeys);
	}

	static HotKeyDescriptor mask(HotKey hotKey, String entryPrefix) {
		String redisKey = hotKey.redisKey();
		String key = redisKey.startsWith(entryPrefix) ? redisKey.substring(entryPrefix.length()) : redisKey;
		String visible = (key.length() > VISIBLE_KEY_CHARS) ? key.substring(0, VISIBLE_KEY_CHARS) + "…" : key;
		return new HotKeyDescriptor(visible, sha256Prefix(key), hotKey.sampledGets());
	}

	private static String sha256Prefix(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String text(Duration duration) {
		return duration.toString();
	}

	/**
	 * The starter's caches.
	 *
	 * @param caches each cache by name
	 */
	public record CachesDescriptor(Map<String, CacheDescriptor> caches) implements OperationResponseBody {
	}

	/**
	 * One cache: its effective settings and its statistics in this JVM.
	 *
	 * @param keyPrefix the prefix of its entries' Redis keys at its current version
	 * @param ttl time to live of an entry
	 * @param jitter fraction by which a write's TTL may be shortened
	 * @param version the version in every key
	 * @param cacheNullValues whether {@code null} results are cached
	 * @param nullTtl time to live of a cached {@code null}
	 * @param refreshAhead fraction of the TTL after which a hit triggers a background reload; 0 is off
	 * @param staleTtl how long an entry may be served after its TTL while it reloads
	 * @param local the near cache settings
	 * @param compression when values are stored compressed
	 * @param hits gets that found an entry
	 * @param misses gets that found none
	 * @param hitRatio hits divided by gets; 0 before the first get
	 * @param puts entries written
	 * @param evictions entries evicted
	 * @param hottestKeys the most requested keys, masked, most requested first
	 */
	public record CacheDescriptor(String keyPrefix, String ttl, double jitter, int version, boolean cacheNullValues,
			String nullTtl, double refreshAhead, String staleTtl, LocalDescriptor local,
			CompressionDescriptor compression, long hits, long misses, double hitRatio, long puts, long evictions,
			List<HotKeyDescriptor> hottestKeys) {
	}

	/**
	 * Compression settings of a cache.
	 *
	 * @param enabled whether values reaching the threshold are stored compressed
	 * @param thresholdBytes the smallest JSON, in bytes, that is compressed
	 */
	public record CompressionDescriptor(boolean enabled, long thresholdBytes) {
	}

	/**
	 * Near cache settings of a cache.
	 *
	 * @param enabled whether it is on
	 * @param maxSize entries per cache
	 * @param ttl entry lifetime
	 * @param size entries held in this JVM now
	 * @param hits reads it served in this JVM
	 * @param misses reads that went on to Redis (including all reads while it was bypassed)
	 */
	public record LocalDescriptor(boolean enabled, int maxSize, String ttl, long size, long hits, long misses) {
	}

	/**
	 * A frequently requested key, masked.
	 *
	 * @param key the first characters of the cache key, followed by {@code …} when cut
	 * @param keyHash the first 12 hex digits of the SHA-256 of the whole cache key (UTF-8)
	 * @param sampledGets the decayed count of sampled gets (about one in 16 gets is sampled)
	 */
	public record HotKeyDescriptor(String key, String keyHash, long sampledGets) {
	}

	/**
	 * The outcome of a tag invalidation.
	 *
	 * @param tag the tag
	 * @param evicted how many entries were removed
	 */
	public record TagInvalidationDescriptor(String tag, long evicted) implements OperationResponseBody {
	}

}
