package io.cachestarter.tags;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.LuaScript;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.util.Assert;

/**
 * The Redis side of tags: one set per tag ({@code <key-prefix>tag:<tag>}, members are entry keys) and one hash of
 * invalidation epochs ({@code <key-prefix>tag-epochs}: a sequence number {@code __seq}, the incarnation id
 * {@code __id}, and per invalidated tag the sequence number of its last invalidation).
 * <p>
 * Every command or script touches one key, so everything works on Redis Cluster. Failures propagate: callers go
 * through the guard.
 */
public final class TagStore {

	private static final LuaScript ADD = LuaScript.load(TagStore.class, "tag-add.lua");

	private static final LuaScript BUMP = LuaScript.load(TagStore.class, "tag-bump.lua");

	private static final byte[] SEQ = bytes("__seq");

	private static final byte[] INCARNATION = bytes("__id");

	/** How long the epochs hash lives after the last invalidation; it only matters to loads still running. */
	static final Duration EPOCHS_TTL = Duration.ofHours(1);

	/** Tags the epochs hash holds before it is replaced by a new incarnation. */
	static final int MAX_EPOCH_FIELDS = 10_000;

	/** How much longer than its longest-lived entry a tag set lives. */
	static final Duration SET_TTL_MARGIN = Duration.ofSeconds(1);

	/** Members popped and removed per round trip of an invalidation. */
	static final int REMOVE_BATCH = 500;

	/** Sets from this size on are pruned of members whose entries are gone, by sampling on writes. */
	static final long PRUNE_FROM = 1_000;

	/** Members checked per prune. */
	static final int PRUNE_SAMPLE = 16;

	/** One write in this many into a large set prunes it (on average two members checked per write). */
	static final int PRUNE_ONE_IN = 8;

	private final String keyPrefix;

	private final CacheStore store;

	private final byte[] epochsKey;

	/**
	 * Creates the store.
	 * @param keyPrefix the prefix of every key the starter writes
	 * @param store the Redis commands
	 */
	public TagStore(String keyPrefix, CacheStore store) {
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.notNull(store, "'store' must not be null");
		this.keyPrefix = keyPrefix;
		this.store = store;
		this.epochsKey = bytes(keyPrefix + "tag-epochs");
	}

	/**
	 * Returns the Redis key of a tag's set.
	 * @param tag the tag
	 * @return {@code <key-prefix>tag:<tag>}
	 */
	public String setKey(String tag) {
		return this.keyPrefix + "tag:" + tag;
	}

	/**
	 * Reads the current point in the invalidation sequence.
	 * @return the mark
	 */
	EpochMark mark() {
		List<byte @Nullable []> values = this.store
			.execute((connection) -> connection.hashCommands().hMGet(this.epochsKey, INCARNATION, SEQ));
		byte[] incarnation = (values != null) ? values.get(0) : null;
		byte[] seq = (values != null) ? values.get(1) : null;
		return new EpochMark((incarnation != null) ? text(incarnation) : null, (seq != null) ? number(seq) : 0);
	}

	/**
	 * Whether any of the tags was invalidated after a mark (or the mark is unknown, or the epochs hash was replaced
	 * since).
	 * @param start the mark taken when the load began
	 * @param tags the entry's tags
	 * @return {@code true} if the entry must not be served
	 */
	boolean invalidatedSince(EpochMark start, List<String> tags) {
		if (start == EpochMark.UNKNOWN) {
			return true;
		}
		byte[][] fields = new byte[tags.size() + 1][];
		fields[0] = INCARNATION;
		for (int i = 0; i < tags.size(); i++) {
			fields[i + 1] = field(tags.get(i));
		}
		List<byte @Nullable []> values = this.store
			.execute((connection) -> connection.hashCommands().hMGet(this.epochsKey, fields));
		byte[] incarnation = (values != null) ? values.get(0) : null;
		String current = (incarnation != null) ? text(incarnation) : null;
		if (current == null || !current.equals(start.incarnation())) {
			return current != null || start.incarnation() != null;
		}
		for (int i = 1; i < values.size(); i++) {
			byte[] epoch = values.get(i);
			if (epoch != null && number(epoch) > start.seq()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Adds an entry to its tags' sets, raising each set's TTL to outlive the entry, and prunes large sets now and
	 * then.
	 * @param entryKey the entry's Redis key
	 * @param tags its tags
	 * @param entryTtlMillis the entry's Redis TTL
	 */
	void add(String entryKey, List<String> tags, long entryTtlMillis) {
		byte[] member = bytes(entryKey);
		byte[] setTtl = ascii(entryTtlMillis + SET_TTL_MARGIN.toMillis());
		for (String tag : tags) {
			byte[] setKey = bytes(setKey(tag));
			Long size = this.store.execute((connection) -> ADD.run(connection, ReturnType.INTEGER,
					new byte[][] { setKey }, member, setTtl));
			if (size != null && size >= PRUNE_FROM && ThreadLocalRandom.current().nextInt(PRUNE_ONE_IN) == 0) {
				prune(setKey);
			}
		}
	}

	/**
	 * Removes sampled members whose entries no longer exist. A member whose entry appears while it is being removed
	 * (a concurrent write) is added back, so a live entry never loses its tag.
	 */
	private void prune(byte[] setKey) {
		this.store.execute((connection) -> {
			List<byte[]> sample = connection.setCommands().sRandMember(setKey, PRUNE_SAMPLE);
			List<byte[]> gone = (sample != null) ? withExistence(connection, sample, false) : List.of();
			if (!gone.isEmpty()) {
				connection.setCommands().sRem(setKey, gone.toArray(new byte[0][]));
				List<byte[]> back = withExistence(connection, gone, true);
				if (!back.isEmpty()) {
					connection.setCommands().sAdd(setKey, back.toArray(new byte[0][]));
				}
			}
			return null;
		});
	}

	/** The keys that exist (or do not), one {@code EXISTS} each: they lie in different slots. */
	private static List<byte[]> withExistence(RedisConnection connection, List<byte[]> keys, boolean existing) {
		List<byte[]> matching = new ArrayList<>();
		for (byte[] key : keys) {
			if (Boolean.TRUE.equals(connection.keyCommands().exists(key)) == existing) {
				matching.add(key);
			}
		}
		return matching;
	}

	/**
	 * Records an invalidation of a tag: loads that began before it will not be served.
	 * @param tag the tag
	 * @return the invalidation's sequence number
	 */
	long bump(String tag) {
		Long seq = this.store.execute((connection) -> BUMP.run(connection, ReturnType.INTEGER,
				new byte[][] { this.epochsKey }, field(tag), ascii(EPOCHS_TTL.toMillis()), ascii(MAX_EPOCH_FIELDS),
				bytes(UUID.randomUUID().toString())));
		return (seq != null) ? seq : 0;
	}

	/**
	 * Returns how many members a tag's set has.
	 * @param tag the tag
	 * @return the set's size, {@code 0} when it does not exist
	 */
	long size(String tag) {
		Long size = this.store.execute((connection) -> connection.setCommands().sCard(bytes(setKey(tag))));
		return (size != null) ? size : 0;
	}

	/**
	 * Takes members out of a tag's set.
	 * @param tag the tag
	 * @param count at most this many
	 * @return the entry keys taken out
	 */
	List<byte[]> pop(String tag, int count) {
		List<byte[]> members = this.store
			.execute((connection) -> connection.setCommands().sPop(bytes(setKey(tag)), count));
		return (members != null) ? members : List.of();
	}

	/**
	 * Removes entries, grouped by hash slot.
	 * @param entryKeys the entries' Redis keys
	 * @return how many existed
	 */
	long deleteEntries(List<byte[]> entryKeys) {
		return this.store.delete(entryKeys);
	}

	private static byte[] field(String tag) {
		return bytes("t:" + tag);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static long number(byte[] bytes) {
		return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
	}

}
