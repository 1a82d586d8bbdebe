package io.cachestarter.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire form of the invalidation messages: every kind reads back as written, keys with any characters included,
 * and anything else is not a message.
 */
class InvalidationMessageTests {

	@Test
	void keysReadBackAsWrittenWhateverTheyContain() {
		List<String> keys = List.of("app:items:v1::1", "app:items:v1::line\nbreak", "app:items:v1::ünïcödé ✓", "");
		InvalidationMessage message = InvalidationMessage.read(InvalidationMessage.keys("sender-1", keys));
		assertThat(message).isNotNull();
		assertThat(message.kind()).isEqualTo(InvalidationMessage.Kind.KEYS);
		assertThat(message.sender()).isEqualTo("sender-1");
		assertThat(message.keys()).containsExactlyElementsOf(keys);
	}

	@Test
	void tenThousandKeysAreOneMessage() {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			keys.add("app:items:v1::" + i);
		}
		InvalidationMessage message = InvalidationMessage.read(InvalidationMessage.keys("s", keys));
		assertThat(message.keys()).hasSize(10_000).endsWith("app:items:v1::9999");
	}

	@Test
	void clearClearAllAndPingReadBack() {
		InvalidationMessage clear = InvalidationMessage.read(InvalidationMessage.clear("s", "products"));
		assertThat(clear.kind()).isEqualTo(InvalidationMessage.Kind.CLEAR);
		assertThat(clear.cacheName()).isEqualTo("products");
		assertThat(InvalidationMessage.read(InvalidationMessage.clearAll("s")).kind())
			.isEqualTo(InvalidationMessage.Kind.CLEAR_ALL);
		InvalidationMessage ping = InvalidationMessage.read(InvalidationMessage.ping("s", 42));
		assertThat(ping.kind()).isEqualTo(InvalidationMessage.Kind.PING);
		assertThat(ping.sequence()).isEqualTo(42);
	}

	@Test
	void somethingElseIsNoMessage() {
		assertThat(InvalidationMessage.read(new byte[0])).isNull();
		assertThat(InvalidationMessage.read("hello".getBytes())).isNull();
		byte[] truncated = InvalidationMessage.keys("s", List.of("a", "b"));
		assertThat(InvalidationMessage.read(Arrays.copyOf(truncated, truncated.length - 1))).isNull();
	}

}
