package io.cachestarter.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.cache.FixedDurationTtlFunction;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheManager.RedisCacheManagerBuilder;
import org.springframework.data.redis.cache.RedisCacheWriter.TtlFunction;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * What an application already configured for Spring Boot's Redis cache, read the way Spring Boot reads it:
 * {@code spring.cache.redis.*} (or a {@link RedisCacheConfiguration} bean instead), {@code spring.cache.cache-names},
 * and the {@link RedisCacheManagerBuilderCustomizer} beans, run on a builder as Spring Boot would run them.
 * <p>
 * The starter takes over the TTLs, null caching, key conversion and cache names it finds. What it does not take over
 * (serializers, {@code TtlFunction}s, Spring Data key prefixes, time-to-idle) is listed, so that start-up names it
 * in one warning instead of dropping it silently.
 */
final class SpringDataCacheSettings {

	private static final String PROBE = "cache-starter";

	/** Spring Data's default value serializer (Java serialization) writes a String as these bytes, then the text. */
	private static final byte[] JAVA_SERIALIZED_STRING_HEADER = { (byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x74, 0x00,
			(byte) PROBE.length() };

	private final @Nullable Duration defaultTtl;

	private final @Nullable Boolean defaultCacheNullValues;

	private final ConversionService defaultKeyConversion;

	private final Map<String, PerCache> caches;

	private final Set<String> cacheNames;

	private final List<String> notTakenOver;

	private SpringDataCacheSettings(@Nullable Duration defaultTtl, @Nullable Boolean defaultCacheNullValues,
			ConversionService defaultKeyConversion, Map<String, PerCache> caches, Set<String> cacheNames,
			List<String> notTakenOver) {
		this.defaultTtl = defaultTtl;
		this.defaultCacheNullValues = defaultCacheNullValues;
		this.defaultKeyConversion = defaultKeyConversion;
		this.caches = caches;
		this.cacheNames = cacheNames;
		this.notTakenOver = notTakenOver;
	}

	/** Nothing configured for Spring Boot's Redis cache. */
	static SpringDataCacheSettings none() {
		return new SpringDataCacheSettings(null, null, RedisCacheConfiguration.defaultCacheConfig().getConversionService(),
				Map.of(), Set.of(), List.of());
	}

	/**
	 * Reads the application's configuration.
	 * @param environment the environment ({@code spring.cache.*})
	 * @param connectionFactory what the builder is created with (it connects to nothing)
	 * @param userDefaults a {@link RedisCacheConfiguration} bean of the application, which replaces
	 * {@code spring.cache.redis.*} as Spring Boot's defaults
	 * @param customizers the application's builder customizers, in order
	 * @param classLoader the application's class loader
	 * @return what was found
	 */
	static SpringDataCacheSettings read(Environment environment, RedisConnectionFactory connectionFactory,
			@Nullable RedisCacheConfiguration userDefaults, List<RedisCacheManagerBuilderCustomizer> customizers,
			@Nullable ClassLoader classLoader) {
		Binder binder = Binder.get(environment);
		Duration ttlProperty = binder.bind("spring.cache.redis.time-to-live", Duration.class).orElse(null);
		Boolean nullsProperty = binder.bind("spring.cache.redis.cache-null-values", Boolean.class).orElse(null);
		String prefixProperty = binder.bind("spring.cache.redis.key-prefix", String.class).orElse(null);
		Boolean usePrefixProperty = binder.bind("spring.cache.redis.use-key-prefix", Boolean.class).orElse(null);
		Set<String> cacheNames = new LinkedHashSet<>(
				binder.bind("spring.cache.cache-names", Bindable.setOf(String.class)).orElse(Set.of()));

		List<String> notTakenOver = new ArrayList<>();
		RedisCacheConfiguration baseline;
		if (userDefaults != null) {
			baseline = userDefaults;
		}
		else {
			baseline = RedisCacheConfiguration.defaultCacheConfig(classLoader);
			if (ttlProperty != null && !ttlProperty.isNegative() && !ttlProperty.isZero()) {
				baseline = baseline.entryTtl(ttlProperty);
			}
			else if (ttlProperty != null) {
				notTakenOver.add("spring.cache.redis.time-to-live=" + ttlProperty
						+ " (no expiry: every entry the starter writes has a TTL)");
			}
			if (Boolean.FALSE.equals(nullsProperty)) {
				baseline = baseline.disableCachingNullValues();
			}
			if (prefixProperty != null) {
				notTakenOver.add("spring.cache.redis.key-prefix (keys are <cache-starter.key-prefix><cache>:v<version>::<key>)");
			}
			if (Boolean.FALSE.equals(usePrefixProperty)) {
				notTakenOver.add("spring.cache.redis.use-key-prefix=false (every key carries the cache name and version)");
			}
		}
		RedisCacheManagerBuilder builder = RedisCacheManager.builder(connectionFactory).cacheDefaults(baseline);
		if (!cacheNames.isEmpty()) {
			builder.initialCacheNames(cacheNames);
		}
		customizers.forEach((customizer) -> customizer.customize(builder));

		RedisCacheConfiguration defaults = builder.cacheDefaults();
		// spring.cache.redis.* was checked above; a bean or a customizer's defaults are checked here.
		if (defaults != baseline || userDefaults != null) {
			notTakenOver.addAll(unsupported("the default RedisCacheConfiguration", defaults));
		}
		Map<String, PerCache> caches = new LinkedHashMap<>();
		for (String name : builder.getConfiguredCaches()) {
			cacheNames.add(name);
			RedisCacheConfiguration configuration = builder.getCacheConfigurationFor(name).orElse(defaults);
			// Caches named before a customizer replaced the defaults hold the defaults of then: not their own.
			if (configuration != defaults && configuration != baseline) {
				caches.put(name, new PerCache(fixedTtl(configuration),
						configuration.getAllowCacheNullValues() ? null : Boolean.FALSE,
						configuration.getConversionService()));
				notTakenOver.addAll(unsupported("the RedisCacheConfiguration of cache '" + name + "'", configuration));
			}
		}
		Boolean defaultNulls = !defaults.getAllowCacheNullValues() ? Boolean.FALSE
				: (userDefaults == null && defaults == baseline) ? nullsProperty : null;
		return new SpringDataCacheSettings(fixedTtl(defaults), defaultNulls, defaults.getConversionService(), caches,
				cacheNames, notTakenOver);
	}

	/** A configuration's TTL, when it is a fixed, positive one (Spring Data's default is zero: no expiry). */
	private static @Nullable Duration fixedTtl(RedisCacheConfiguration configuration) {
		TtlFunction function = configuration.getTtlFunction();
		if (function instanceof FixedDurationTtlFunction fixed) {
			Duration ttl = fixed.duration();
			return (!ttl.isNegative() && !ttl.isZero()) ? ttl : null;
		}
		return null;
	}

	private static List<String> unsupported(String where, RedisCacheConfiguration configuration) {
		List<String> settings = new ArrayList<>();
		if (!(configuration.getTtlFunction() instanceof FixedDurationTtlFunction)) {
			settings.add("a TtlFunction (entryTtl(TtlFunction)) in " + where);
		}
		if (!configuration.usePrefix() || !(PROBE + "::").equals(configuration.getKeyPrefixFor(PROBE))) {
			settings.add("a key prefix (prefixCacheNameWith, computePrefixWith or disableKeyPrefix) in " + where);
		}
		if (!Arrays.equals(write(configuration.getKeySerializationPair()), PROBE.getBytes(StandardCharsets.UTF_8))) {
			settings.add("a key serializer (serializeKeysWith) in " + where);
		}
		if (!isDefaultValueSerializer(configuration.getValueSerializationPair())) {
			settings.add("a value serializer (serializeValuesWith) in " + where);
		}
		if (configuration.isTimeToIdleEnabled()) {
			settings.add("time-to-idle expiration (enableTimeToIdle) in " + where);
		}
		return settings;
	}

	/**
	 * Whether a value serializer is Spring Data's default, told by what it writes for a probe string rather than by
	 * its class, which Spring Data hides behind adapters.
	 */
	private static boolean isDefaultValueSerializer(SerializationPair<Object> pair) {
		byte[] written = write(pair);
		byte[] text = PROBE.getBytes(StandardCharsets.UTF_8);
		int header = JAVA_SERIALIZED_STRING_HEADER.length;
		return written.length == header + text.length
				&& Arrays.equals(written, 0, header, JAVA_SERIALIZED_STRING_HEADER, 0, header)
				&& Arrays.equals(written, header, written.length, text, 0, text.length);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static byte[] write(SerializationPair<?> pair) {
		try {
			ByteBuffer buffer = ((SerializationPair) pair).write(PROBE);
			byte[] bytes = new byte[buffer.remaining()];
			buffer.get(bytes);
			return bytes;
		}
		catch (RuntimeException ex) {
			return new byte[0];
		}
	}

	@Nullable Duration defaultTtl() {
		return this.defaultTtl;
	}

	@Nullable Boolean defaultCacheNullValues() {
		return this.defaultCacheNullValues;
	}

	/**
	 * Returns what a cache's own Spring Data configuration sets, if a customizer gave it one.
	 * @param cacheName the cache
	 * @return its settings, or {@code null}
	 */
	@Nullable PerCache cache(String cacheName) {
		return this.caches.get(cacheName);
	}

	ConversionService keyConversionOf(String cacheName) {
		PerCache cache = this.caches.get(cacheName);
		return (cache != null) ? cache.keyConversion() : this.defaultKeyConversion;
	}

	/** The caches named by {@code spring.cache.cache-names} and the customizers: they exist from start-up. */
	Set<String> cacheNames() {
		return this.cacheNames;
	}

	/** What the starter found but does not take over, one phrase each. */
	List<String> notTakenOver() {
		return this.notTakenOver;
	}

	/**
	 * What a customizer's {@code withCacheConfiguration(name, configuration)} sets for one cache.
	 *
	 * @param ttl its fixed TTL, or {@code null} when it sets none
	 * @param cacheNullValues {@code FALSE} when it disables caching nulls, else {@code null}
	 * @param keyConversion its key conversion service
	 */
	record PerCache(@Nullable Duration ttl, @Nullable Boolean cacheNullValues, ConversionService keyConversion) {
	}

}
