package io.cachestarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of cache-starter.
 * <p>
 * Per-cache settings ({@code caches.<name>.*}) fall back to {@code defaults.*}, which fall back to the built-in
 * defaults documented on each property; a {@code null} field means "not set here".
 */
@ConfigurationProperties("cache-starter")
public class CacheStarterProperties {

	/**
	 * Whether cache-starter is enabled. When false, Spring Boot's own cache auto-configuration stays in charge.
	 */
	private boolean enabled = true;

	/**
	 * Prefix of every Redis key the starter writes. Defaults to "${spring.application.name}:", or empty when the
	 * application has no name.
	 */
	private @Nullable String keyPrefix;

	/**
	 * Settings of every cache that does not override them.
	 */
	private final CacheSpec defaults = new CacheSpec();

	/**
	 * Per-cache settings, by cache name. Every key of "defaults" can be set here; a declared cache exists at
	 * start-up.
	 */
	private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

	/**
	 * Distributed single-flight loading.
	 */
	private final Stampede stampede = new Stampede();

	/**
	 * Circuit breaker and database fallback.
	 */
	private final Resilience resilience = new Resilience();

	/**
	 * Serialization of cached values.
	 */
	private final Serialization serialization = new Serialization();

	/**
	 * Largest value that is cached, in the bytes stored in Redis (after compression, where it applies); a larger one
	 * is not written (counted, never an error).
	 */
	private DataSize maxValueSize = DataSize.ofMegabytes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public CacheSpec getDefaults() {
		return this.defaults;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public Stampede getStampede() {
		return this.stampede;
	}

	public Resilience getResilience() {
		return this.resilience;
	}

	public Serialization getSerialization() {
		return this.serialization;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	/**
	 * Settings of one cache (or of all, under "defaults"). Unset fields inherit.
	 */
	public static class CacheSpec {

		/**
		 * Time to live of an entry; must be greater than 0. Defaults to 10m.
		 */
		private @Nullable Duration ttl;

		/**
		 * Fraction in [0, 0.5]: each write's TTL is drawn uniformly from [ttl * (1 - jitter), ttl]. Defaults to 0.1.
		 */
		private @Nullable Double jitter;

		/**
		 * Whether null results are cached (negative caching). Defaults to true.
		 */
		private @Nullable Boolean cacheNullValues;

		/**
		 * Time to live of a cached null; at most the cache's ttl. Defaults to 60s (capped at the cache's ttl).
		 */
		private @Nullable Duration nullTtl;

		/**
		 * Version that is part of every key; bumping it makes all old entries of the cache unreachable at once.
		 * Defaults to 1.
		 */
		private @Nullable Integer version;

		/**
		 * Fraction in [0, 1): a hit on an entry older than this fraction of its TTL returns at once and triggers one
		 * background reload. 0 turns it off. Defaults to 0.
		 */
		private @Nullable Double refreshAhead;

		/**
		 * How long an entry may still be served after its TTL while one caller reloads it in the background. 0s
		 * turns it off. Defaults to 0s.
		 */
		private @Nullable Duration staleTtl;

		/**
		 * In-process L1 near cache in front of Redis.
		 */
		private final Local local = new Local();

		/**
		 * Compression of large values in Redis.
		 */
		private final Compression compression = new Compression();

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		public @Nullable Boolean getCacheNullValues() {
			return this.cacheNullValues;
		}

		public void setCacheNullValues(@Nullable Boolean cacheNullValues) {
			this.cacheNullValues = cacheNullValues;
		}

		public @Nullable Duration getNullTtl() {
			return this.nullTtl;
		}

		public void setNullTtl(@Nullable Duration nullTtl) {
			this.nullTtl = nullTtl;
		}

		public @Nullable Integer getVersion() {
			return this.version;
		}

		public void setVersion(@Nullable Integer version) {
			this.version = version;
		}

		public @Nullable Double getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(@Nullable Double refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public @Nullable Duration getStaleTtl() {
			return this.staleTtl;
		}

		public void setStaleTtl(@Nullable Duration staleTtl) {
			this.staleTtl = staleTtl;
		}

		public Local getLocal() {
			return this.local;
		}

		public Compression getCompression() {
			return this.compression;
		}

	}

	/**
	 * In-process L1 near cache settings. Unset fields inherit.
	 */
	public static class Local {

		/**
		 * Whether an in-process L1 near cache sits in front of Redis. Defaults to false.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Maximum number of L1 entries per cache. Defaults to 10000.
		 */
		private @Nullable Integer maxSize;

		/**
		 * Lifetime of an L1 entry; at most the cache's ttl. Defaults to 30s (capped at the cache's ttl).
		 */
		private @Nullable Duration ttl;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Integer getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(@Nullable Integer maxSize) {
			this.maxSize = maxSize;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Value compression settings. Unset fields inherit.
	 */
	public static class Compression {

		/**
		 * Whether values whose serialized form reaches the threshold are stored compressed. Entries stay readable
		 * whatever this is set to when they are read. Defaults to false.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Smallest serialized value (JSON) that is compressed; must be greater than 0. Defaults to 4KB.
		 */
		private @Nullable DataSize threshold;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable DataSize getThreshold() {
			return this.threshold;
		}

		public void setThreshold(@Nullable DataSize threshold) {
			this.threshold = threshold;
		}

	}

	/**
	 * Distributed single-flight loading settings.
	 */
	public static class Stampede {

		/**
		 * Whether concurrent misses of one key under @Cacheable(sync = true) run the method once across all
		 * instances.
		 */
		private boolean enabled = true;

		/**
		 * How long a rebuild lock lives if its holder dies.
		 */
		private Duration lockLease = Duration.ofSeconds(10);

		/**
		 * The longest a caller waits for another caller's load before loading itself.
		 */
		private Duration waitTimeout = Duration.ofSeconds(3);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getLockLease() {
			return this.lockLease;
		}

		public void setLockLease(Duration lockLease) {
			this.lockLease = lockLease;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

	}

	/**
	 * Circuit breaker and database fallback settings.
	 */
	public static class Resilience {

		/**
		 * Whether the Resilience4j circuit breaker "redisCache" guards every Redis call and failures fall back to
		 * the method.
		 */
		private boolean enabled = true;

		/**
		 * Redis command timeout applied when spring.data.redis.timeout is not set.
		 */
		private Duration commandTimeout = Duration.ofMillis(500);

		/**
		 * Most evictions and invalidations kept while Redis is unreachable, to apply when it returns; past this the
		 * affected caches are cleared instead.
		 */
		private int replayLogSize = 10_000;

		/**
		 * Whether the Lettuce client follows a Redis failover it cannot notice by itself (a primary that freezes
		 * keeps its connections open): when the circuit breaker opens it reconnects, looking the primary up again
		 * through Sentinel or DNS (on Redis Cluster: when calls time out it refreshes the topology), and probes as
		 * soon as it is reconnected instead of waiting out the breaker's open state.
		 */
		private boolean followFailover = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public int getReplayLogSize() {
			return this.replayLogSize;
		}

		public void setReplayLogSize(int replayLogSize) {
			this.replayLogSize = replayLogSize;
		}

		public boolean isFollowFailover() {
			return this.followFailover;
		}

		public void setFollowFailover(boolean followFailover) {
			this.followFailover = followFailover;
		}

	}

	/**
	 * Serialization settings.
	 */
	public static class Serialization {

		/**
		 * Packages whose classes cached JSON may turn into, besides JDK value types. Defaults to the application's
		 * packages (AutoConfigurationPackages).
		 */
		private List<String> allowedPackages = new ArrayList<>();

		public List<String> getAllowedPackages() {
			return this.allowedPackages;
		}

		public void setAllowedPackages(List<String> allowedPackages) {
			this.allowedPackages = allowedPackages;
		}

	}

}
