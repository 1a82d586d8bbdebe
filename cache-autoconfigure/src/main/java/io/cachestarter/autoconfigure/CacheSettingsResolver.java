package io.cachestarter.autoconfigure;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cachestarter.autoconfigure.CacheStarterProperties.CacheSpec;
import io.cachestarter.autoconfigure.SpringDataCacheSettings.PerCache;
import io.cachestarter.cache.CacheSettings;
import io.cachestarter.cache.CacheSettingsSource;
import io.cachestarter.serialization.Compression;
import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.ConversionService;
import org.springframework.util.unit.DataSize;

/**
 * Merges what configures a cache into its {@link CacheSettings}, and checks every rule at start-up: a bad value
 * throws an {@link InvalidCacheStarterPropertyException} naming the property.
 * <p>
 * For {@code ttl} and {@code cache-null-values} the precedence is, highest first:
 * {@code cache-starter.caches.<name>.*}, the cache's own {@code RedisCacheConfiguration} from a
 * {@code RedisCacheManagerBuilderCustomizer}, {@code cache-starter.defaults.*}, {@code spring.cache.redis.*} (or a
 * {@code RedisCacheConfiguration} bean), the built-in default. Every other setting comes from
 * {@code cache-starter.caches.<name>.*}, then {@code cache-starter.defaults.*}, then the built-in default.
 * <p>
 * A {@code null-ttl} or {@code local.ttl} that a cache sets above its own {@code ttl} is an error; one it inherits
 * is capped at its {@code ttl}.
 */
final class CacheSettingsResolver implements CacheSettingsSource {

	static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	static final double DEFAULT_JITTER = 0.1;

	static final Duration DEFAULT_NULL_TTL = Duration.ofSeconds(60);

	static final Duration DEFAULT_LOCAL_TTL = Duration.ofSeconds(30);

	static final int DEFAULT_LOCAL_MAX_SIZE = 10_000;

	private static final String PREFIX = "cache-starter.";

	private final CacheSpec defaults;

	private final SpringDataCacheSettings springData;

	private final CacheSettings defaultSettings;

	private final Set<String> declared = new LinkedHashSet<>();

	private final Map<String, CacheSettings> resolved = new ConcurrentHashMap<>();

	CacheSettingsResolver(CacheStarterProperties properties) {
		this(properties, SpringDataCacheSettings.none());
	}

	CacheSettingsResolver(CacheStarterProperties properties, SpringDataCacheSettings springData) {
		this.defaults = properties.getDefaults();
		this.springData = springData;
		validateGlobal(properties);
		// Resolving the defaults checks them once for every cache that will inherit them.
		this.defaultSettings = resolve("defaults", this.defaults, PREFIX + "defaults.");
		properties.getCaches()
			.forEach((name, spec) -> this.resolved.put(name, resolve(name, spec, PREFIX + "caches." + name + ".")));
		this.declared.addAll(properties.getCaches().keySet());
		this.declared.addAll(springData.cacheNames());
	}

	@Override
	public Collection<String> declaredCacheNames() {
		return Set.copyOf(this.declared);
	}

	@Override
	public CacheSettings settingsOf(String cacheName) {
		return this.resolved.computeIfAbsent(cacheName, (name) -> resolve(name, new CacheSpec(), PREFIX + "defaults."));
	}

	@Override
	public CacheSettings defaults() {
		return this.defaultSettings;
	}

	@Override
	public ConversionService keyConversionOf(String cacheName) {
		return this.springData.keyConversionOf(cacheName);
	}

	private CacheSettings resolve(String name, CacheSpec spec, String specPrefix) {
		PerCache springDataCache = "defaults".equals(name) ? null : this.springData.cache(name);
		Duration ttl = pick(spec.getTtl(), (springDataCache != null) ? springDataCache.ttl() : null,
				this.defaults.getTtl(), this.springData.defaultTtl(), DEFAULT_TTL);
		check(isPositive(ttl), property(spec.getTtl(), specPrefix, "ttl"), format(ttl), "must be greater than 0");
		double jitter = pick(spec.getJitter(), this.defaults.getJitter(), DEFAULT_JITTER);
		check(jitter >= 0 && jitter <= 0.5, property(spec.getJitter(), specPrefix, "jitter"), jitter,
				"must be between 0 and 0.5");
		boolean cacheNulls = pick(spec.getCacheNullValues(),
				(springDataCache != null) ? springDataCache.cacheNullValues() : null, this.defaults.getCacheNullValues(),
				this.springData.defaultCacheNullValues(), true);
		Duration nullTtl = boundedByTtl(spec.getNullTtl(), this.defaults.getNullTtl(), DEFAULT_NULL_TTL, ttl,
				specPrefix, "null-ttl");
		int version = pick(spec.getVersion(), this.defaults.getVersion(), 1);
		check(version >= 0, property(spec.getVersion(), specPrefix, "version"), version, "must not be negative");
		double refreshAhead = pick(spec.getRefreshAhead(), this.defaults.getRefreshAhead(), 0.0);
		check(refreshAhead >= 0 && refreshAhead < 1, property(spec.getRefreshAhead(), specPrefix, "refresh-ahead"),
				refreshAhead, "must be at least 0 and less than 1");
		Duration staleTtl = pick(spec.getStaleTtl(), this.defaults.getStaleTtl(), Duration.ZERO);
		check(!staleTtl.isNegative(), property(spec.getStaleTtl(), specPrefix, "stale-ttl"), format(staleTtl),
				"must not be negative");
		CacheStarterProperties.Local local = spec.getLocal();
		CacheStarterProperties.Local localDefaults = this.defaults.getLocal();
		boolean localEnabled = pick(local.getEnabled(), localDefaults.getEnabled(), false);
		int localMaxSize = pick(local.getMaxSize(), localDefaults.getMaxSize(), DEFAULT_LOCAL_MAX_SIZE);
		check(localMaxSize > 0, property(local.getMaxSize(), specPrefix, "local.max-size"), localMaxSize,
				"must be greater than 0");
		Duration localTtl = boundedByTtl(local.getTtl(), localDefaults.getTtl(), DEFAULT_LOCAL_TTL, ttl, specPrefix,
				"local.ttl");
		CacheStarterProperties.Compression compression = spec.getCompression();
		CacheStarterProperties.Compression compressionDefaults = this.defaults.getCompression();
		boolean compressionEnabled = pick(compression.getEnabled(), compressionDefaults.getEnabled(), false);
		DataSize threshold = pick(compression.getThreshold(), compressionDefaults.getThreshold(),
				Compression.DEFAULT_THRESHOLD);
		check(threshold.toBytes() > 0, property(compression.getThreshold(), specPrefix, "compression.threshold"),
				threshold, "must be greater than 0");
		return new CacheSettings(name, ttl, jitter, cacheNulls, nullTtl, version, refreshAhead, staleTtl,
				new CacheSettings.Local(localEnabled, localMaxSize, localTtl),
				new Compression(compressionEnabled, threshold));
	}

	/** A duration that must be positive and at most the cache's ttl when set for the cache; capped when inherited. */
	private Duration boundedByTtl(@Nullable Duration own, @Nullable Duration inherited, Duration builtIn, Duration ttl,
			String specPrefix, String key) {
		if (own != null) {
			check(isPositive(own), specPrefix + key, format(own), "must be greater than 0");
			check(own.compareTo(ttl) <= 0, specPrefix + key, format(own),
					"must be at most the cache's ttl (" + format(ttl) + ")");
			return own;
		}
		Duration value = (inherited != null) ? inherited : builtIn;
		check(isPositive(value), PREFIX + "defaults." + key, format(value), "must be greater than 0");
		return (value.compareTo(ttl) <= 0) ? value : ttl;
	}

	private static void validateGlobal(CacheStarterProperties properties) {
		Duration lease = properties.getStampede().getLockLease();
		check(isPositive(lease), PREFIX + "stampede.lock-lease", format(lease), "must be greater than 0");
		Duration wait = properties.getStampede().getWaitTimeout();
		check(isPositive(wait), PREFIX + "stampede.wait-timeout", format(wait), "must be greater than 0");
		Duration timeout = properties.getResilience().getCommandTimeout();
		check(isPositive(timeout), PREFIX + "resilience.command-timeout", format(timeout), "must be greater than 0");
		int replay = properties.getResilience().getReplayLogSize();
		check(replay > 0, PREFIX + "resilience.replay-log-size", replay, "must be greater than 0");
		maxValueSize(properties);
	}

	/**
	 * Returns {@code max-value-size}, checked: the codec needs it before any cache settings are resolved.
	 */
	static DataSize maxValueSize(CacheStarterProperties properties) {
		DataSize max = properties.getMaxValueSize();
		check(max.toBytes() > 0, PREFIX + "max-value-size", max, "must be greater than 0");
		return max;
	}

	private String property(@Nullable Object own, String specPrefix, String key) {
		return (own != null) ? specPrefix + key : PREFIX + "defaults." + key;
	}

	private static <T> T pick(@Nullable T own, @Nullable T inherited, T builtIn) {
		return (own != null) ? own : (inherited != null) ? inherited : builtIn;
	}

	/** The first value that is set, in order of precedence. */
	private static <T> T pick(@Nullable T own, @Nullable T springDataCache, @Nullable T defaults,
			@Nullable T springDataDefaults, T builtIn) {
		if (own != null) {
			return own;
		}
		if (springDataCache != null) {
			return springDataCache;
		}
		return pick(defaults, springDataDefaults, builtIn);
	}

	private static void check(boolean valid, String property, Object value, String rule) {
		if (!valid) {
			throw new InvalidCacheStarterPropertyException(property, value, rule);
		}
	}

	/** Formats a duration the way users write it: "10m", "1500ms". */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		long[] sizes = { 86_400_000L, 3_600_000L, 60_000L, 1_000L };
		String[] units = { "d", "h", "m", "s" };
		for (int i = 0; i < sizes.length; i++) {
			if (millis != 0 && millis % sizes[i] == 0) {
				return (millis / sizes[i]) + units[i];
			}
		}
		return millis + "ms";
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}
