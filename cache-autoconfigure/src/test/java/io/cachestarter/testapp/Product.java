package io.cachestarter.testapp;

import java.math.BigDecimal;
import java.util.List;

/**
 * A cached value as applications have them: a record with nested values.
 */
public record Product(long id, String name, String category, BigDecimal price, long version, List<String> labels) {

	public static Product of(long id, String name) {
		return new Product(id, name, "general", new BigDecimal("9.99"), 1, List.of("new"));
	}

	public Product withName(String name) {
		return new Product(this.id, name, this.category, this.price, this.version + 1, this.labels);
	}

}
