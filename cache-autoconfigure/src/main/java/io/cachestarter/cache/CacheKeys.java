package io.cachestarter.cache;

import java.nio.charset.StandardCharsets;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.util.ObjectUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The Redis key layout of one cache: {@code <key-prefix><cache>:v<version>::<key>}.
 */
public final class CacheKeys {

	private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

	/** Whether a key type declares its own {@code toString()}, looked up once per type. */
	private static final ClassValue<Boolean> OWN_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return ReflectionUtils.findMethod(type, "toString").getDeclaringClass() != Object.class;
		}

	};

	private final String entryPrefix;

	private final String cacheName;

	private final ConversionService conversionService;

	/** Whether the conversion service turns {@code Long} and {@code Integer} keys into their decimal text. */
	private final boolean decimalIntegers;

	CacheKeys(String keyPrefix, String cacheName, int version, ConversionService conversionService) {
		this.cacheName = cacheName;
		this.entryPrefix = keyPrefix + cacheName + ":v" + version + "::";
		this.conversionService = conversionService;
		this.decimalIntegers = convertsToDecimalText(conversionService);
	}

	/**
	 * Whether a conversion service gives integers their plain decimal text, as Spring's defaults do: then the most
	 * common key type skips the converter lookup on every call (the L1 hit's largest cost after the lookup). Probed
	 * once with values a custom converter would be unlikely to leave alone all at once.
	 */
	private static boolean convertsToDecimalText(ConversionService conversionService) {
		try {
			return convertsProbesToDecimalText(conversionService);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static boolean convertsProbesToDecimalText(ConversionService conversionService) {
		for (long probe : new long[] { 0, 7, -42, 1_000_000, Long.MAX_VALUE, Long.MIN_VALUE }) {
			if (!Long.toString(probe).equals(conversionService.convert(probe, String.class))) {
				return false;
			}
			int intProbe = (int) probe;
			if (!Integer.toString(intProbe).equals(conversionService.convert(intProbe, String.class))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Returns the Redis key of a cache key.
	 * @param key the key Spring's cache abstraction computed
	 * @return the full Redis key, as text
	 */
	public String redisKey(Object key) {
		if (this.decimalIntegers) {
			// Concatenating the primitive writes its digits straight into the key: no text of the number alone.
			if (key instanceof Long id) {
				return this.entryPrefix + id.longValue();
			}
			if (key instanceof Integer id) {
				return this.entryPrefix + id.intValue();
			}
		}
		return this.entryPrefix + toText(key);
	}

	byte[] redisKeyBytes(Object key) {
		return redisKey(key).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Returns the common prefix of all entries of this cache, at its current version.
	 * @return the prefix, ending in {@code ::}
	 */
	public String entryPrefix() {
		return this.entryPrefix;
	}

	/**
	 * A key's text: a {@code String} as it is, a {@link SimpleKey} (several arguments) by its own form, anything else
	 * through the configuration's conversion service (its converters first, then the key's own {@code toString()}).
	 * A key whose only text is {@code Object}'s identity form ({@code Type@hash}) would never be found again: it is
	 * rejected.
	 */
	private String toText(Object key) {
		if (key instanceof String text) {
			return text;
		}
		if (key instanceof SimpleKey) {
			return key.toString();
		}
		String text = null;
		TypeDescriptor source = TypeDescriptor.forObject(key);
		if (this.conversionService.canConvert(source, STRING)) {
			text = (String) this.conversionService.convert(key, source, STRING);
		}
		boolean ownToString = OWN_TO_STRING.get(key.getClass());
		if (text == null && ownToString) {
			text = key.toString();
		}
		if (text == null || (!ownToString && text.equals(ObjectUtils.identityToString(key)))) {
			throw new IllegalArgumentException("Cannot turn a key of type " + key.getClass().getName() + " of cache '"
					+ this.cacheName + "' into a Redis key: it has no text form; give it a toString() or register a "
					+ "Converter to String with RedisCacheConfiguration.configureKeyConverters");
		}
		return text;
	}

	/**
	 * Returns the SCAN pattern that matches every entry of a cache, at any version: what clearing the cache removes.
	 * @param keyPrefix the key prefix of the cache manager
	 * @param cacheName the cache name
	 * @return the glob pattern
	 */
	public static String allVersionsPattern(String keyPrefix, String cacheName) {
		return globEscape(keyPrefix + cacheName) + ":v[0-9]*::*";
	}

	/**
	 * Escapes glob metacharacters so that text can be used literally in a SCAN pattern.
	 * @param text literal text
	 * @return the pattern-safe text
	 */
	static String globEscape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
