package io.cachestarter.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One message on the invalidation channel, in a small binary form: a format byte, the kind, the sender's id, then
 * what the kind needs. Only invalidations travel, never values.
 *
 * @param kind what the message asks
 * @param sender the id of the instance that published it
 * @param keys the Redis keys to drop ({@link Kind#KEYS})
 * @param cacheName the cache to clear ({@link Kind#CLEAR})
 * @param sequence the ping's number ({@link Kind#PING})
 */
record InvalidationMessage(Kind kind, String sender, List<String> keys, String cacheName, long sequence) {

	private static final byte FORMAT = 1;

	static byte[] keys(String sender, Collection<String> keys) {
		return write(Kind.KEYS, sender, (out) -> {
			out.writeInt(keys.size());
			for (String key : keys) {
				byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
				out.writeInt(bytes.length);
				out.write(bytes);
			}
		});
	}

	static byte[] clear(String sender, String cacheName) {
		return write(Kind.CLEAR, sender, (out) -> out.writeUTF(cacheName));
	}

	static byte[] clearAll(String sender) {
		return write(Kind.CLEAR_ALL, sender, (out) -> {
		});
	}

	static byte[] ping(String sender, long sequence) {
		return write(Kind.PING, sender, (out) -> out.writeLong(sequence));
	}

	/**
	 * Reads a message.
	 * @param bytes what the channel delivered
	 * @return the message, or {@code null} if it is not one this version understands
	 */
	static @Nullable InvalidationMessage read(byte[] bytes) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			if (in.readByte() != FORMAT) {
				return null;
			}
			Kind kind = Kind.of(in.readByte());
			if (kind == null) {
				return null;
			}
			String sender = in.readUTF();
			return switch (kind) {
				case KEYS -> {
					int count = in.readInt();
					List<String> keys = new ArrayList<>(Math.min(count, 65_536));
					for (int i = 0; i < count; i++) {
						byte[] key = new byte[in.readInt()];
						in.readFully(key);
						keys.add(new String(key, StandardCharsets.UTF_8));
					}
					yield new InvalidationMessage(kind, sender, keys, "", 0);
				}
				case CLEAR -> new InvalidationMessage(kind, sender, List.of(), in.readUTF(), 0);
				case CLEAR_ALL -> new InvalidationMessage(kind, sender, List.of(), "", 0);
				case PING -> new InvalidationMessage(kind, sender, List.of(), "", in.readLong());
			};
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static byte[] write(Kind kind, String sender, Body body) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(FORMAT);
			out.writeByte(kind.code);
			out.writeUTF(sender);
			body.write(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	@FunctionalInterface
	private interface Body {

		void write(DataOutputStream out) throws IOException;

	}

	/** What a message asks of the instances that receive it. */
	enum Kind {

		/** Drop these keys. */
		KEYS('K'),
		/** Clear one cache. */
		CLEAR('C'),
		/** Clear every cache. */
		CLEAR_ALL('A'),
		/** Nothing: its sender expects it back, to know that its subscription is alive. */
		PING('P');

		private final byte code;

		Kind(char code) {
			this.code = (byte) code;
		}

		static @Nullable Kind of(byte code) {
			for (Kind kind : values()) {
				if (kind.code == code) {
					return kind;
				}
			}
			return null;
		}

	}

}
