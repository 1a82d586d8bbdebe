package io.cachestarter.cache;

import java.time.Duration;

import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.serialization.CacheEntryCodec;
import io.cachestarter.serialization.Compression;
import io.cachestarter.serialization.UnreadableValueException;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * The value serializer a starter cache's {@code RedisCacheConfiguration} reports: the starter's envelope (header and
 * JSON), so that Spring Data code that serializes through the configuration writes what the cache would write, and
 * no configuration of the starter names Java serialization.
 */
final class EntryRedisSerializer implements RedisSerializer<Object> {

	private final CacheEntryCodec codec;

	private final long ttlMillis;

	private final Compression compression;

	EntryRedisSerializer(CacheEntryCodec codec, Duration ttl, Compression compression) {
		this.codec = codec;
		this.ttlMillis = ttl.toMillis();
		this.compression = compression;
	}

	@Override
	public byte[] serialize(@Nullable Object value) {
		try {
			return this.codec.encode(new CacheEntry(value, System.currentTimeMillis(), this.ttlMillis,
					CacheEntry.NO_VERSION), this.compression);
		}
		catch (IllegalArgumentException ex) {
			throw new SerializationException(ex.getMessage(), ex);
		}
	}

	@Override
	public @Nullable Object deserialize(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		try {
			return this.codec.decode(bytes).value();
		}
		catch (UnreadableValueException ex) {
			throw new SerializationException(ex.getMessage(), ex);
		}
	}

}
