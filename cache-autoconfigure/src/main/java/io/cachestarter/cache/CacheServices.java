package io.cachestarter.cache;

import java.util.concurrent.Executor;

import io.cachestarter.redis.AsyncCacheStore;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.serialization.CacheEntryCodec;

/**
 * What every cache of a cache manager shares: the Redis commands of both faces, the codec, and the capabilities that
 * hook into reads and writes.
 *
 * @param keyPrefix the prefix of every key
 * @param store the Redis commands of the synchronous face
 * @param asyncStore the Redis commands of the asynchronous face
 * @param asyncExecutor where the asynchronous face decodes values and completes its futures
 * @param codec turns entries into bytes and back
 * @param guard runs every Redis call so that failures fall back
 * @param loads coordinates loads of missing keys and background reloads
 * @param tagging writes tags along with entries
 * @param nearCaches creates each cache's tier in front of Redis
 * @param metrics records the starter's own meters
 * @param maxValueBytes the largest entry that is cached, in the bytes stored in Redis (after compression)
 */
public record CacheServices(String keyPrefix, CacheStore store, AsyncCacheStore asyncStore, Executor asyncExecutor,
		CacheEntryCodec codec, RedisGuard guard, LoadCoordinator loads, EntryTagging tagging,
		NearCache.Factory nearCaches, CacheStarterMetrics metrics, long maxValueBytes) {

}
