package io.cachestarter.sample;

import java.math.BigDecimal;

/**
 * A product of the catalog, as stored in the database and in the cache (as JSON).
 *
 * @param id the id
 * @param sku the stock keeping unit
 * @param name the display name
 * @param category the category, for example {@code books}
 * @param price the price
 * @param version grows by one with every update; write-through uses it so that an older value never replaces a
 * newer one in the cache
 */
public record Product(long id, String sku, String name, String category, BigDecimal price, long version) {

}
