package io.cachestarter.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The products table, with no caching of its own.
 * <p>
 * Every operation counts one round trip in the {@code catalog.db.queries} counter (tag {@code query}) and waits
 * {@code catalog.db-latency} first, like a database on another machine would make it: with the in-memory H2
 * database a cache would otherwise have nothing to save. Compare {@code /actuator/metrics/catalog.db.queries} with
 * the number of requests to see what the cache saves.
 */
@Repository
public class ProductRepository {

	private static final String COLUMNS = "id, sku, name, category, price, version";

	private final JdbcClient jdbc;

	private final Duration latency;

	private final Counter findById;

	private final Counter findAllById;

	private final Counter findByCategory;

	private final Counter update;

	private final Counter delete;

	ProductRepository(JdbcClient jdbc, @Value("${catalog.db-latency:20ms}") Duration latency,
			MeterRegistry meterRegistry) {
		this.jdbc = jdbc;
		this.latency = latency;
		this.findById = queries(meterRegistry, "find-by-id");
		this.findAllById = queries(meterRegistry, "find-all-by-id");
		this.findByCategory = queries(meterRegistry, "find-by-category");
		this.update = queries(meterRegistry, "update");
		this.delete = queries(meterRegistry, "delete");
	}

	private static Counter queries(MeterRegistry meterRegistry, String query) {
		return Counter.builder("catalog.db.queries")
			.description("Round trips to the catalog database")
			.tag("query", query)
			.register(meterRegistry);
	}

	public Optional<Product> findById(long id) {
		roundTrip(this.findById);
		return select(id);
	}

	/**
	 * Finds several products in one query.
	 * @param ids the ids
	 * @return the products that exist, in no particular order
	 */
	public List<Product> findAllById(Collection<Long> ids) {
		roundTrip(this.findAllById);
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE id IN (:ids)")
			.param("ids", ids)
			.query(Product.class)
			.list();
	}

	public List<Product> findByCategory(String category) {
		roundTrip(this.findByCategory);
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE category = :category ORDER BY id")
			.param("category", category)
			.query(Product.class)
			.list();
	}

	/**
	 * Changes a product's name and price and increments its version.
	 * @return the product as it is now, or empty if there is no such product
	 */
	public Optional<Product> update(long id, String name, BigDecimal price) {
		roundTrip(this.update);
		int updated = this.jdbc.sql("UPDATE product SET name = :name, price = :price, version = version + 1 WHERE id = :id")
			.param("id", id)
			.param("name", name)
			.param("price", price)
			.update();
		return (updated != 0) ? select(id) : Optional.empty();
	}

	/**
	 * Changes a product's price and increments its version.
	 * @return the product as it is now, or empty if there is no such product
	 */
	public Optional<Product> updatePrice(long id, BigDecimal price) {
		roundTrip(this.update);
		int updated = this.jdbc.sql("UPDATE product SET price = :price, version = version + 1 WHERE id = :id")
			.param("id", id)
			.param("price", price)
			.update();
		return (updated != 0) ? select(id) : Optional.empty();
	}

	/**
	 * Deletes a product.
	 * @return the deleted product, or empty if there was no such product
	 */
	public Optional<Product> delete(long id) {
		roundTrip(this.delete);
		Optional<Product> product = select(id);
		product.ifPresent((existing) -> this.jdbc.sql("DELETE FROM product WHERE id = :id").param("id", id).update());
		return product;
	}

	private Optional<Product> select(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE id = :id")
			.param("id", id)
			.query(Product.class)
			.optional();
	}

	private void roundTrip(Counter queries) {
		queries.increment();
		if (!this.latency.isNegative() && !this.latency.isZero()) {
			try {
				TimeUnit.NANOSECONDS.sleep(this.latency.toNanos());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
