package io.cachestarter.serialization;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Turns {@link CacheEntry cache entries} into bytes and back.
 * <p>
 * The format is a one-line ASCII header followed by JSON:
 * <pre>CS1|&lt;createdAt ms&gt;|&lt;ttl ms&gt;|&lt;version or -&gt;|&lt;value class or ~ for null&gt;\n&lt;json&gt;</pre>
 * The header is readable in {@code redis-cli}, cheap to parse, and readable from Lua (write-through compares
 * versions in a script). {@code CS1} is format 1: a later format gets a new number, and an entry of a format this
 * codec does not know is unreadable, which the cache treats as a miss.
 * <p>
 * JSON carries Jackson type ids ({@code @class}) where the static type does not say the class; every type id and
 * the header's class are checked against {@link AllowedTypes} by name before anything is loaded. No Java native
 * serialization is involved.
 */
public final class CacheEntryCodec {

	static final int FORMAT = 1;

	private static final byte[] MAGIC = { 'C', 'S' };

	private static final String NULL_TYPE = "~";

	private final AllowedTypes allowedTypes;

	private final JsonMapper mapper;

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final ClassLoader classLoader;

	/**
	 * Creates a codec.
	 * @param allowedTypes the types values may turn into
	 * @param classLoader the class loader of the application's value types
	 */
	public CacheEntryCodec(AllowedTypes allowedTypes, @Nullable ClassLoader classLoader) {
		Assert.notNull(allowedTypes, "'allowedTypes' must not be null");
		this.allowedTypes = allowedTypes;
		this.classLoader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
		this.mapper = JsonMapper.builder()
			.setDefaultTyping(new ValueTypeResolverBuilder(allowedTypes))
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
		this.writer = this.mapper.writerFor(Object.class);
		this.reader = this.mapper.readerFor(Object.class);
	}

	/**
	 * Encodes an entry.
	 * @param entry the entry
	 * @return the bytes to store
	 * @throws IllegalArgumentException if the value cannot be written as JSON
	 */
	public byte[] encode(CacheEntry entry) {
		Object value = entry.value();
		String header = "CS" + FORMAT + '|' + entry.createdAt() + '|' + entry.ttlMillis() + '|'
				+ ((entry.version() != CacheEntry.NO_VERSION) ? Long.toString(entry.version()) : "-") + '|'
				+ ((value != null) ? value.getClass().getName() : NULL_TYPE) + '\n';
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
		if (value != null) {
			try {
				this.writer.writeValue(out, value);
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as JSON", ex);
			}
		}
		return out.toByteArray();
	}

	/**
	 * Decodes stored bytes.
	 * @param bytes what Redis returned
	 * @return the entry
	 * @throws UnreadableValueException if the bytes are not a readable entry of an allowed type
	 */
	public CacheEntry decode(byte[] bytes) {
		Header header = Header.parse(bytes);
		if (header.typeName().equals(NULL_TYPE)) {
			return new CacheEntry(null, header.createdAt(), header.ttlMillis(), header.version());
		}
		if (!this.allowedTypes.isAllowed(header.typeName())) {
			throw new UnreadableValueException("Type '" + header.typeName() + "' is not in the allowed packages");
		}
		Object value;
		try {
			value = this.reader.readValue(bytes, header.bodyOffset(), bytes.length - header.bodyOffset());
			Class<?> type = ClassUtils.forName(header.typeName(), this.classLoader);
			if (value instanceof Number && Number.class.isAssignableFrom(type) && !type.isInstance(value)) {
				value = this.mapper.convertValue(value, type); // e.g. a Short that JSON read back as an Integer
			}
		}
		catch (JacksonException | ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			throw new UnreadableValueException("Cannot read a cached " + header.typeName() + ": " + ex.getMessage(),
					ex);
		}
		if (value == null) {
			throw new UnreadableValueException("Cached JSON of a " + header.typeName() + " is empty");
		}
		return new CacheEntry(value, header.createdAt(), header.ttlMillis(), header.version());
	}

	private record Header(long createdAt, long ttlMillis, long version, String typeName, int bodyOffset) {

		private static final int MAX_HEADER = 1024;

		static Header parse(byte[] bytes) {
			if (bytes.length < 4 || bytes[0] != MAGIC[0] || bytes[1] != MAGIC[1]) {
				throw new UnreadableValueException("Not a cache-starter entry");
			}
			int end = -1;
			for (int i = 2; i < Math.min(bytes.length, MAX_HEADER); i++) {
				if (bytes[i] == '\n') {
					end = i;
					break;
				}
			}
			if (end < 0) {
				throw new UnreadableValueException("Entry header is not terminated");
			}
			String[] fields = new String(bytes, 2, end - 2, StandardCharsets.US_ASCII).split("\\|", -1);
			if (fields.length != 5) {
				throw new UnreadableValueException("Entry header has " + fields.length + " fields");
			}
			try {
				if (Integer.parseInt(fields[0]) != FORMAT) {
					throw new UnreadableValueException("Unknown entry format " + fields[0]);
				}
				long version = fields[3].equals("-") ? CacheEntry.NO_VERSION : Long.parseLong(fields[3]);
				return new Header(Long.parseLong(fields[1]), Long.parseLong(fields[2]), version, fields[4], end + 1);
			}
			catch (NumberFormatException ex) {
				throw new UnreadableValueException("Entry header is corrupt", ex);
			}
		}

	}

}
