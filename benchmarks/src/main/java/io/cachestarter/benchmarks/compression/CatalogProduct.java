package io.cachestarter.benchmarks.compression;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import io.cachestarter.serialization.AllowedTypes;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.serialization.CacheEntryCodec;
import io.cachestarter.serialization.Compression;

import org.springframework.util.unit.DataSize;

/**
 * The sample application's {@code Product}, field for field, with the values of its {@code data.sql}: what a
 * catalog caches. A page of them is the typical large JSON value.
 *
 * @param id the id
 * @param sku the stock keeping unit
 * @param name the display name
 * @param category the category
 * @param price the price
 * @param version the write-through version
 */
public record CatalogProduct(long id, String sku, String name, String category, BigDecimal price, long version) {

	private static final String[] STYLES = { "Classic", "Compact", "Deluxe", "Eco", "Pro" };

	private static final String[] THINGS = { "novel", "board game", "watering can", "chef knife", "vinyl record",
			"tent", "puzzle", "cordless drill" };

	private static final String[] CATEGORIES = { "books", "games", "garden", "kitchen", "music", "outdoor", "toys",
			"tools" };

	static CatalogProduct of(long n) {
		return new CatalogProduct(n, String.format("SKU-%05d", n),
				STYLES[(int) (n % 5)] + " " + THINGS[(int) (n % 8)] + " " + n, CATEGORIES[(int) (n % 8)],
				BigDecimal.valueOf((n * 37) % 9000 + 499, 2), 1);
	}

	/**
	 * The shortest page of products (ids 1, 2, ...) whose JSON, as the starter's codec writes it, is at least
	 * {@code jsonBytes} long.
	 */
	static List<CatalogProduct> page(int jsonBytes) {
		CacheEntryCodec codec = plainCodec();
		List<CatalogProduct> page = new ArrayList<>();
		while (json(codec, page).length < jsonBytes) {
			page.add(of(page.size() + 1));
		}
		return page;
	}

	/** The JSON body of an entry of the value: what compression works on. */
	static byte[] json(CacheEntryCodec codec, Object value) {
		byte[] entry = codec.encode(new CacheEntry(value, 1L, 600_000L, CacheEntry.NO_VERSION), Compression.OFF);
		int body = 0;
		while (entry[body] != '\n') {
			body++;
		}
		return java.util.Arrays.copyOfRange(entry, body + 1, entry.length);
	}

	static CacheEntryCodec plainCodec() {
		return new CacheEntryCodec(new AllowedTypes(List.of("io.cachestarter")), CatalogProduct.class.getClassLoader(),
				DataSize.ofMegabytes(1));
	}

}
