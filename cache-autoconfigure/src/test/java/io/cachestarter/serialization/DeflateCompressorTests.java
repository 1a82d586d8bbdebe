package io.cachestarter.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DeflateCompressorTests {

	private final DeflateCompressor compressor = new DeflateCompressor();

	@Test
	void compressesTheGivenRangeOnlyAndRestoresIt() {
		byte[] json = "{\"name\":\"kettle\"}".repeat(500).getBytes(StandardCharsets.US_ASCII);
		byte[] framed = new byte[json.length + 20];
		Arrays.fill(framed, (byte) '#');
		System.arraycopy(json, 0, framed, 10, json.length);
		byte[] compressed = this.compressor.compress(framed, 10, json.length);
		assertThat(compressed.length).isLessThan(json.length / 20);
		byte[] stored = new byte[compressed.length + 7];
		System.arraycopy(compressed, 0, stored, 7, compressed.length);
		assertThat(this.compressor.decompress(stored, 7, compressed.length, json.length)).isEqualTo(json);
	}

	@Test
	void roundTripsEmptyAndOneByteInputs() {
		for (byte[] input : new byte[][] { {}, { 'x' } }) {
			byte[] compressed = this.compressor.compress(input, 0, input.length);
			assertThat(this.compressor.decompress(compressed, 0, compressed.length, input.length)).isEqualTo(input);
		}
	}

	@Test
	void aStreamLongerThanDeclaredIsUnreadable() {
		byte[] input = new byte[10_000];
		byte[] compressed = this.compressor.compress(input, 0, input.length);
		assertThatExceptionOfType(UnreadableValueException.class)
			.isThrownBy(() -> this.compressor.decompress(compressed, 0, compressed.length, 9_999))
			.withMessageContaining("more than the declared 9999 bytes");
		assertThatExceptionOfType(UnreadableValueException.class)
			.isThrownBy(() -> this.compressor.decompress(compressed, 0, compressed.length, 0));
	}

	@Test
	void aStreamShorterThanDeclaredIsUnreadable() {
		byte[] input = new byte[10_000];
		byte[] compressed = this.compressor.compress(input, 0, input.length);
		assertThatExceptionOfType(UnreadableValueException.class)
			.isThrownBy(() -> this.compressor.decompress(compressed, 0, compressed.length, 10_001))
			.withMessageContaining("not the declared 10001");
		assertThatExceptionOfType(UnreadableValueException.class)
			.isThrownBy(() -> this.compressor.decompress(compressed, 0, compressed.length / 2, 10_000))
			.withMessageContaining("ends early");
	}

}
