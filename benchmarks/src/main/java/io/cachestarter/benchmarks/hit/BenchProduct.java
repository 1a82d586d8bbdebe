package io.cachestarter.benchmarks.hit;

import java.math.BigDecimal;

/**
 * The cached value: a record of a few fields and a description of about 1 KB, as a product page would cache.
 *
 * @param id the id
 * @param sku the stock keeping unit
 * @param name the name
 * @param category the category
 * @param price the price
 * @param description about 1 KB of text
 */
public record BenchProduct(long id, String sku, String name, String category, BigDecimal price, String description) {

	private static final String DESCRIPTION = "A sturdy, well made product for everyday use. ".repeat(22);

	public static BenchProduct of(long id) {
		return new BenchProduct(id, "SKU-" + id, "Product " + id, "category-" + (id % 8),
				BigDecimal.valueOf(499 + id % 9000, 2), DESCRIPTION);
	}

}
