package io.cachestarter.serialization;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cachestarter.testapp.DeflateBomb;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The compressed envelope ({@code CS2}): when the codec compresses, that every entry reads back whatever the
 * setting, and that corrupt or forged compressed bodies (decompression bombs included) are unreadable, never an
 * error of another kind.
 */
class CompressedEntryCodecTests {

	private static final Compression ON = new Compression(true, DataSize.ofKilobytes(4));

	private static final byte[] BOMB = DeflateBomb.zeros(256L * 1024 * 1024);

	/** max-value-size 64KB: a compressed entry's JSON may be up to 1.25 MB. */
	private final CacheEntryCodec codec = new CacheEntryCodec(new AllowedTypes(List.of("io.cachestarter")), null,
			DataSize.ofKilobytes(64));

	@Test
	void compressesJsonFromTheThresholdOnAndReadsItBack() {
		List<Product> page = page(200);
		byte[] plain = encode(page, Compression.OFF);
		byte[] compressed = encode(page, ON);
		String header = headerOf(compressed);
		int jsonLength = plain.length - headerOf(plain).length() - 1;
		assertThat(header).startsWith("CS2|1|60000|-|java.util.ImmutableCollections$ListN|deflate|")
			.endsWith("|" + jsonLength);
		assertThat(compressed.length).isLessThan(plain.length / 3);
		assertThat(this.codec.decode(compressed).value()).isEqualTo(page);
	}

	@Test
	void compressesAtTheThresholdAndNotOneByteBelow() {
		// A String's JSON is the string and two quotes: 4,096 bytes, then 4,095.
		assertThat(headerOf(encode("a".repeat(4094), ON))).startsWith("CS2|").endsWith("|4096");
		assertThat(headerOf(encode("a".repeat(4093), ON))).startsWith("CS1|");
	}

	@Test
	void writesPlainWhenCompressionIsOffWhateverTheSize() {
		byte[] bytes = encode(page(500), Compression.OFF);
		assertThat(headerOf(bytes)).startsWith("CS1|").endsWith("|java.util.ImmutableCollections$ListN");
		assertThat(bytes.length).isGreaterThan(50_000);
	}

	@Test
	void writesPlainWhenCompressingDoesNotMakeTheEntrySmaller() {
		byte[] bytes = encode("x", new Compression(true, DataSize.ofBytes(1)));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("CS1|1|60000|-|java.lang.String\n\"x\"");
	}

	@Test
	void writesPlainWhenTheJsonExceedsMaxValueSizeTimesTheExpansionFactor() {
		// 64KB x 20 = 1,310,720 bytes of JSON at most: this value stays plain, and so larger than max-value-size.
		byte[] bytes = encode("y".repeat(64 * 1024 * CacheEntryCodec.MAX_EXPANSION), ON);
		assertThat(headerOf(bytes)).startsWith("CS1|");
		assertThat(bytes.length).isGreaterThan(64 * 1024 * CacheEntryCodec.MAX_EXPANSION);
		byte[] justBelow = encode("y".repeat(64 * 1024 * CacheEntryCodec.MAX_EXPANSION - 2), ON);
		assertThat(headerOf(justBelow)).startsWith("CS2|");
		assertThat(justBelow.length).isLessThan(64 * 1024);
		assertThat(this.codec.decode(justBelow).value()).isEqualTo("y".repeat(64 * 1024 * 20 - 2));
	}

	@Test
	void keepsTheBookkeepingWhereTheWriteThroughScriptReadsIt() {
		byte[] bytes = this.codec.encode(new CacheEntry(page(100), 1234L, 5678L, 42L), ON);
		// The pattern of set-if-newer.lua, in Java: the version is the fourth field in both formats.
		Matcher matcher = Pattern.compile("^CS\\d+\\|-?\\d+\\|-?\\d+\\|(-?\\d+)\\|").matcher(headerOf(bytes));
		assertThat(matcher.find()).isTrue();
		assertThat(matcher.group(1)).isEqualTo("42");
		CacheEntry decoded = this.codec.decode(bytes);
		assertThat(decoded.createdAt()).isEqualTo(1234L);
		assertThat(decoded.ttlMillis()).isEqualTo(5678L);
		assertThat(decoded.version()).isEqualTo(42L);
	}

	@Test
	void corruptCompressedBodiesAreUnreadable() {
		byte[] valid = encode(page(100), ON);
		int body = headerOf(valid).length() + 1;
		byte[] flipped = valid.clone();
		for (int i = body + 10; i < flipped.length; i += 7) {
			flipped[i] ^= 0x5A;
		}
		assertUnreadable(flipped);
		assertUnreadable(Arrays.copyOf(valid, valid.length - 20)); // truncated
		byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
		assertUnreadable(trailing);
		byte[] garbage = Arrays.copyOf(valid, body + 50);
		Arrays.fill(garbage, body, garbage.length, (byte) 0xFF);
		assertUnreadable(garbage);
	}

	@Test
	void aHeaderThatMisstatesTheLengthIsUnreadable() {
		byte[] valid = encode(page(100), ON);
		String header = headerOf(valid);
		int jsonLength = Integer.parseInt(header.substring(header.lastIndexOf('|') + 1));
		String prefix = header.substring(0, header.lastIndexOf('|') + 1);
		assertUnreadable(withHeader(valid, prefix + (jsonLength - 1)));
		assertUnreadable(withHeader(valid, prefix + (jsonLength + 1)));
		assertUnreadable(withHeader(valid, prefix + "-1"));
		assertUnreadable(withHeader(valid, prefix + "x"));
		assertUnreadable(withHeader(valid, header.replace("|deflate|", "|lzma|")));
		assertUnreadable(withHeader(valid, header.replace("|deflate|", "|")));
		assertThat(this.codec.decode(withHeader(valid, header)).value()).isEqualTo(page(100));
	}

	@Test
	void aDecompressionBombIsUnreadableAndInflatesNoFurtherThanTheDeclaredLength() {
		assertThat(BOMB.length).as("256 MB of zeros, compressed").isLessThan(512 * 1024);
		for (int declared : new int[] { 1000, 64 * 1024 * CacheEntryCodec.MAX_EXPANSION }) {
			byte[] entry = concat("CS2|1|60000|-|java.lang.String|deflate|" + declared + "\n", BOMB);
			long allocated = allocatedBytes(() -> assertUnreadable(entry));
			assertThat(allocated).as("bytes allocated to read a bomb declaring %d", declared)
				.isLessThan(declared + 4 * 1024 * 1024);
		}
	}

	@Test
	void aHeaderDeclaringMoreThanTheLimitIsUnreadableBeforeAnythingIsInflated() {
		byte[] small = DeflateBomb.zeros(100);
		assertUnreadable(concat("CS2|1|60000|-|java.lang.String|deflate|1310721\n", small));
		assertUnreadable(concat("CS2|1|60000|-|java.lang.String|deflate|2147483647\n", small));
	}

	@Test
	void aDisallowedTypeIsRefusedBeforeItsBodyIsInflated() {
		byte[] bomb = BOMB;
		assertThatExceptionOfType(UnreadableValueException.class)
			.isThrownBy(() -> this.codec
				.decode(concat("CS2|1|60000|-|com.example.outside.Gadget|deflate|1000\n", bomb)))
			.withMessageContaining("not in the allowed packages");
	}

	private byte[] encode(Object value, Compression compression) {
		return this.codec.encode(new CacheEntry(value, 1L, 60_000L, CacheEntry.NO_VERSION), compression);
	}

	/** What the current thread allocates while running the action (HotSpot's per-thread allocation counter). */
	private static long allocatedBytes(Runnable action) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		action.run();
		return threads.getCurrentThreadAllocatedBytes() - before;
	}

	private void assertUnreadable(byte[] bytes) {
		assertThatExceptionOfType(UnreadableValueException.class).isThrownBy(() -> this.codec.decode(bytes));
	}

	static List<Product> page(int size) {
		List<Product> page = new ArrayList<>();
		for (long id = 1; id <= size; id++) {
			page.add(new Product(id, "Compact board game " + id, "games", BigDecimal.valueOf(499 + id, 2), 1,
					List.of("new", "c" + (id % 8))));
		}
		return List.copyOf(page);
	}

	private static String headerOf(byte[] entry) {
		int end = 0;
		while (entry[end] != '\n') {
			end++;
		}
		return new String(entry, 0, end, StandardCharsets.US_ASCII);
	}

	private static byte[] withHeader(byte[] entry, String header) {
		int body = headerOf(entry).length() + 1;
		return concat(header + "\n", Arrays.copyOfRange(entry, body, entry.length));
	}

	private static byte[] concat(String header, byte[] body) {
		byte[] head = header.getBytes(StandardCharsets.US_ASCII);
		byte[] bytes = Arrays.copyOf(head, head.length + body.length);
		System.arraycopy(body, 0, bytes, head.length, body.length);
		return bytes;
	}

}
