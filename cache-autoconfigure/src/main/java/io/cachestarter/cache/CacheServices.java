package io.cachestarter.cache;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.LoadCoordinator;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.serialization.CacheEntryCodec;

import org.springframework.core.convert.ConversionService;

/**
 * What every cache of a cache manager shares: the Redis commands, the codec and the capabilities that hook into
 * reads and writes.
 *
 * @param keyPrefix the prefix of every key
 * @param store the Redis commands
 * @param codec turns entries into bytes and back
 * @param guard runs every Redis call so that failures fall back
 * @param loads coordinates loads of missing keys and background reloads
 * @param tagging writes tags along with entries
 * @param metrics records the starter's own meters
 * @param maxValueBytes the largest entry that is cached, in the bytes stored in Redis (after compression)
 * @param keyConversion turns cache keys into text
 */
public record CacheServices(String keyPrefix, CacheStore store, CacheEntryCodec codec, RedisGuard guard,
		LoadCoordinator loads, EntryTagging tagging, CacheStarterMetrics metrics, long maxValueBytes,
		ConversionService keyConversion) {

}
