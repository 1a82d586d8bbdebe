package io.cachestarter.serialization;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.example.outside.Gadget;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheEntryCodecTests {

	private final CacheEntryCodec codec = new CacheEntryCodec(new AllowedTypes(List.of("io.cachestarter")), null,
			DataSize.ofMegabytes(1));

	@Test
	void roundTripsApplicationAndJdkValueTypes() {
		Product product = Product.of(1, "kettle");
		List<Object> values = List.of(product, List.of(product, Product.of(2, "mug")),
				new ArrayList<>(List.of(product)), Map.of("a", product), new LinkedHashMap<>(Map.of("n", 1L)),
				5L, 5_000_000_000L, 7, "text", new BigDecimal("12.50"), LocalDate.of(2026, 11, 23),
				Instant.ofEpochSecond(1_700_000_000), UUID.fromString("6f1c2b9e-1d3a-4c55-9a6e-0c1f2b3a4d5e"),
				Set.of("x"), true, 2.5d);
		for (Object value : values) {
			CacheEntry decoded = roundTrip(value);
			assertThat(decoded.value()).as("%s", value.getClass()).isEqualTo(value);
			assertThat(decoded.value()).as("%s", value.getClass()).isInstanceOf(value.getClass().isRecord()
					|| value.getClass().getName().startsWith("java.lang") ? value.getClass() : Object.class);
		}
	}

	@Test
	void keepsTheBookkeepingOfTheEntry() {
		byte[] bytes = this.codec.encode(new CacheEntry("v", 1234L, 5678L, 42L), Compression.OFF);
		CacheEntry decoded = this.codec.decode(bytes);
		assertThat(decoded.createdAt()).isEqualTo(1234L);
		assertThat(decoded.ttlMillis()).isEqualTo(5678L);
		assertThat(decoded.version()).isEqualTo(42L);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("CS1|1234|5678|42|java.lang.String\n");
	}

	@Test
	void encodesCachedNullWithoutBody() {
		byte[] bytes = this.codec.encode(new CacheEntry(null, 1L, 2L, CacheEntry.NO_VERSION),
				new Compression(true, DataSize.ofBytes(1)));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("CS1|1|2|-|~\n");
		assertThat(this.codec.decode(bytes).value()).isNull();
	}

	@Test
	void rejectsCorruptBytesAndUnknownFormats() {
		assertUnreadable(new byte[] { 1, 2, 3, 4, 5 });
		assertUnreadable("CS1|1|2|-|io.cachestarter.testapp.Product\n{\"id\":".getBytes(StandardCharsets.UTF_8));
		assertUnreadable("CS9|1|2|-|java.lang.String\n\"x\"".getBytes(StandardCharsets.UTF_8));
		assertUnreadable("CS1|x|2|-|java.lang.String\n\"x\"".getBytes(StandardCharsets.UTF_8));
		assertUnreadable("CS1|1|2|-|java.lang.String".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void rejectsAValueWhoseClassChangedShape() {
		byte[] old = ("CS1|1|2|-|io.cachestarter.testapp.Product\n"
				+ "{\"@class\":\"io.cachestarter.testapp.Product\",\"id\":1,\"title\":\"renamed field\"}")
			.getBytes(StandardCharsets.UTF_8);
		assertUnreadable(old);
	}

	@Test
	void neverInstantiatesAForgedTopLevelType() {
		int before = Gadget.instances.get();
		assertUnreadable(("CS1|1|2|-|com.example.outside.Gadget\n"
				+ "{\"@class\":\"com.example.outside.Gadget\",\"command\":\"rm -rf /\"}")
			.getBytes(StandardCharsets.UTF_8));
		assertThat(Gadget.instances.get()).isEqualTo(before);
	}

	@Test
	void neverInstantiatesAForgedNestedType() {
		int before = Gadget.instances.get();
		assertUnreadable(("CS1|1|2|-|java.util.ArrayList\n"
				+ "[\"java.util.ArrayList\",[{\"@class\":\"com.example.outside.Gadget\",\"command\":\"x\"}]]")
			.getBytes(StandardCharsets.UTF_8));
		assertUnreadable(("CS1|1|2|-|java.util.ArrayList\n"
				+ "[\"java.util.ArrayList\",[[\"com.example.outside.Gadget\",{\"command\":\"x\"}]]]")
			.getBytes(StandardCharsets.UTF_8));
		assertThat(Gadget.instances.get()).isEqualTo(before);
	}

	@Test
	void refusesJdkTypesOutsideTheValueTypes() {
		AllowedTypes allowed = new AllowedTypes(List.of("io.cachestarter"));
		assertThat(allowed.isAllowed("java.util.logging.FileHandler")).isFalse();
		assertThat(allowed.isAllowed("java.lang.ProcessBuilder")).isFalse();
		assertThat(allowed.isAllowed("java.time.chrono.HijrahDate")).isFalse();
		assertThat(allowed.isAllowed("io.cachestarterevil.Gadget")).isFalse();
		assertThat(allowed.isAllowed("java.time.LocalDate")).isTrue();
		assertThat(allowed.isAllowed("io.cachestarter.testapp.Product")).isTrue();
		assertThat(allowed.isAllowed("[Lio.cachestarter.testapp.Product;")).isTrue();
	}

	private CacheEntry roundTrip(Object value) {
		return this.codec.decode(this.codec.encode(new CacheEntry(value, 1L, 1000L, CacheEntry.NO_VERSION),
				Compression.OFF));
	}

	private void assertUnreadable(byte[] bytes) {
		assertThatExceptionOfType(UnreadableValueException.class).isThrownBy(() -> this.codec.decode(bytes));
	}

}
