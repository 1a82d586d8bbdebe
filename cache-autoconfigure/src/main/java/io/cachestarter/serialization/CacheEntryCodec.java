package io.cachestarter.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link CacheEntry cache entries} into bytes and back.
 * <p>
 * The format is a one-line ASCII header followed by the body, the value's JSON:
 * <pre>CS1|&lt;createdAt ms&gt;|&lt;ttl ms&gt;|&lt;version or -&gt;|&lt;value class or ~ for null&gt;\n&lt;json&gt;</pre>
 * or, for a value stored compressed ({@link Compression}), format 2 with the codec and the JSON's length:
 * <pre>CS2|&lt;createdAt ms&gt;|&lt;ttl ms&gt;|&lt;version or -&gt;|&lt;value class&gt;|&lt;codec&gt;|&lt;json bytes&gt;\n&lt;compressed json&gt;</pre>
 * The header is readable in {@code redis-cli}, cheap to parse, and readable from Lua (write-through compares
 * versions in a script; both formats start with the same four fields). A later format gets a new number, and an
 * entry of a format this codec does not know is unreadable, which the cache treats as a miss. Whether an entry is
 * compressed is read from its header, never from the settings, so every entry stays readable whatever the current
 * compression setting is.
 * <p>
 * Decompression never produces more than the JSON length the header declares, and a header may declare at most
 * {@code max-value-size} × {@value #MAX_EXPANSION}: a forged or corrupt entry (a decompression bomb) is unreadable,
 * never an {@link OutOfMemoryError}. For the same reason a value whose JSON exceeds that limit is never written
 * compressed: it is returned plain, and so larger than {@code max-value-size}, which the cache does not store.
 * <p>
 * JSON carries Jackson type ids ({@code @class}) where the static type does not say the class; every type id and
 * the header's class are checked against {@link AllowedTypes} by name before anything is loaded. No Java native
 * serialization is involved.
 */
public final class CacheEntryCodec {

	/** Format of an entry whose body is plain JSON. */
	static final int FORMAT = 1;

	/** Format of an entry whose body is compressed JSON. */
	static final int COMPRESSED_FORMAT = 2;

	/**
	 * How many times {@code max-value-size} the JSON of a compressed entry may be: above every ratio measured on
	 * catalog JSON (docs/compression.md), so that for such values {@code max-value-size} alone decides, and low
	 * enough that a forged entry cannot make a read allocate much.
	 */
	public static final int MAX_EXPANSION = 20;

	private static final byte[] MAGIC = { 'C', 'S' };

	private static final String NULL_TYPE = "~";

	private final AllowedTypes allowedTypes;

	private final JsonMapper mapper;

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final ClassLoader classLoader;

	private final Compressor compressor = new DeflateCompressor();

	private final int maxJsonBytes;

	/**
	 * Creates a codec.
	 * @param allowedTypes the types values may turn into
	 * @param classLoader the class loader of the application's value types
	 * @param maxValueSize the largest entry the cache stores ({@code max-value-size}); a compressed entry's JSON may
	 * be at most {@value #MAX_EXPANSION} times as large
	 */
	public CacheEntryCodec(AllowedTypes allowedTypes, @Nullable ClassLoader classLoader, DataSize maxValueSize) {
		Assert.notNull(allowedTypes, "'allowedTypes' must not be null");
		Assert.notNull(maxValueSize, "'maxValueSize' must not be null");
		Assert.isTrue(maxValueSize.toBytes() > 0, "'maxValueSize' must be greater than 0");
		this.allowedTypes = allowedTypes;
		this.classLoader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
		this.mapper = JsonMapper.builder()
			.setDefaultTyping(new ValueTypeResolverBuilder(allowedTypes))
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
		this.writer = this.mapper.writerFor(Object.class);
		this.reader = this.mapper.readerFor(Object.class);
		// The largest array a JVM allocates is a little under Integer.MAX_VALUE.
		this.maxJsonBytes = (int) Math.min(maxValueSize.toBytes() * MAX_EXPANSION, Integer.MAX_VALUE - 8);
	}

	/**
	 * Encodes an entry, compressed if the cache's compression applies to its JSON and compressing makes it smaller.
	 * @param entry the entry
	 * @param compression the cache's compression settings
	 * @return the bytes to store
	 * @throws IllegalArgumentException if the value cannot be written as JSON
	 */
	public byte[] encode(CacheEntry entry, Compression compression) {
		Object value = entry.value();
		String fields = "|" + entry.createdAt() + '|' + entry.ttlMillis() + '|'
				+ ((entry.version() != CacheEntry.NO_VERSION) ? Long.toString(entry.version()) : "-") + '|'
				+ ((value != null) ? value.getClass().getName() : NULL_TYPE);
		byte[] header = ("CS" + FORMAT + fields + '\n').getBytes(StandardCharsets.US_ASCII);
		if (value == null) {
			return header;
		}
		byte[] json;
		try {
			// Jackson's own buffers are recycled: cheaper than growing a stream of unknown size.
			json = this.writer.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as JSON", ex);
		}
		byte[] plain = Arrays.copyOf(header, header.length + json.length);
		System.arraycopy(json, 0, plain, header.length, json.length);
		int jsonLength = json.length;
		// JSON above the limit stays plain: larger than max-value-size, the cache then counts it as oversize.
		if (!compression.appliesTo(jsonLength) || jsonLength > this.maxJsonBytes) {
			return plain;
		}
		byte[] body = this.compressor.compress(plain, header.length, jsonLength);
		byte[] compressedHeader = ("CS" + COMPRESSED_FORMAT + fields + '|' + this.compressor.id() + '|' + jsonLength
				+ '\n').getBytes(StandardCharsets.US_ASCII);
		if (compressedHeader.length + body.length >= plain.length) {
			return plain; // incompressible: not worth the work on every read
		}
		byte[] compressed = Arrays.copyOf(compressedHeader, compressedHeader.length + body.length);
		System.arraycopy(body, 0, compressed, compressedHeader.length, body.length);
		return compressed;
	}

	/**
	 * Decodes stored bytes of either format.
	 * @param bytes what Redis returned
	 * @return the entry
	 * @throws UnreadableValueException if the bytes are not a readable entry of an allowed type, including a
	 * compressed body that is corrupt or would inflate past the limit
	 */
	public CacheEntry decode(byte[] bytes) {
		Header header = Header.parse(bytes);
		if (header.typeName().equals(NULL_TYPE)) {
			return new CacheEntry(null, header.createdAt(), header.ttlMillis(), header.version());
		}
		if (!this.allowedTypes.isAllowed(header.typeName())) {
			throw new UnreadableValueException("Type '" + header.typeName() + "' is not in the allowed packages");
		}
		byte[] json = bytes;
		int offset = header.bodyOffset();
		if (header.isCompressed()) {
			json = decompress(header, bytes);
			offset = 0;
		}
		Object value;
		try {
			value = this.reader.readValue(json, offset, json.length - offset);
			if (value instanceof Number) {
				// JSON numbers carry no type: a Short reads back as an Integer. Only numbers need the class.
				Class<?> type = ClassUtils.forName(header.typeName(), this.classLoader);
				if (Number.class.isAssignableFrom(type) && !type.isInstance(value)) {
					value = this.mapper.convertValue(value, type);
				}
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

	private byte[] decompress(Header header, byte[] bytes) {
		if (!header.codec().equals(this.compressor.id())) {
			throw new UnreadableValueException("Unknown compression '" + header.codec() + "'");
		}
		if (header.jsonLength() > this.maxJsonBytes) {
			throw new UnreadableValueException("Compressed entry declares " + header.jsonLength()
					+ " bytes of JSON, more than the limit of " + this.maxJsonBytes);
		}
		return this.compressor.decompress(bytes, header.bodyOffset(), bytes.length - header.bodyOffset(),
				header.jsonLength());
	}

	/**
	 * The parsed header line. {@code codec} and {@code jsonLength} are those of a compressed entry; a plain entry has
	 * an empty codec and a length of -1.
	 */
	private record Header(long createdAt, long ttlMillis, long version, String typeName, String codec,
			int jsonLength, int bodyOffset) {

		private static final int MAX_HEADER = 1024;

		boolean isCompressed() {
			return this.jsonLength >= 0;
		}

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
			try {
				int format = Integer.parseInt(fields[0]);
				if (format != FORMAT && format != COMPRESSED_FORMAT) {
					throw new UnreadableValueException("Unknown entry format " + fields[0]);
				}
				int expected = (format == FORMAT) ? 5 : 7;
				if (fields.length != expected) {
					throw new UnreadableValueException("Entry header of format " + format + " has " + fields.length
							+ " fields");
				}
				long version = fields[3].equals("-") ? CacheEntry.NO_VERSION : Long.parseLong(fields[3]);
				String codec = (format == FORMAT) ? "" : fields[5];
				int jsonLength = (format == FORMAT) ? -1 : Integer.parseInt(fields[6]);
				if (format == COMPRESSED_FORMAT && jsonLength < 0) {
					throw new UnreadableValueException("Entry header declares a negative length");
				}
				return new Header(Long.parseLong(fields[1]), Long.parseLong(fields[2]), version, fields[4], codec,
						jsonLength, end + 1);
			}
			catch (NumberFormatException ex) {
				throw new UnreadableValueException("Entry header is corrupt", ex);
			}
		}

	}

}
