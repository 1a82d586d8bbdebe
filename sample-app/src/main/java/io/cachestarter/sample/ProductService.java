package io.cachestarter.sample;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.cachestarter.CacheTags;
import io.cachestarter.CacheableAll;
import io.cachestarter.InvalidateTags;
import io.cachestarter.WriteThrough;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The catalog's use cases, and where all of its caching is declared.
 * <p>
 * Two caches, configured in {@code application.yml}: {@code products} (one product by id) and
 * {@code productsByCategory} (a category's listing, tagged {@code category:<name>}). In Redis they are the keys
 * {@code catalog:products:v1::<id>} and {@code catalog:productsByCategory:v1::<category>}. An empty
 * {@link Optional} is cached as {@code null} for {@code null-ttl}, so asking again for a missing id costs no
 * database round trip.
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	private final Executor databaseThreads;

	public ProductService(ProductRepository repository, @Qualifier("applicationTaskExecutor") Executor databaseThreads) {
		this.repository = repository;
		this.databaseThreads = databaseThreads;
	}

	/**
	 * The same read as {@link #findForPage(long)}, asynchronously: the database call runs on Spring Boot's task
	 * executor and the caller gets a future at once. A hit completes from Redis without a thread waiting for it, and
	 * with {@code sync = true} one caller across all instances loads a missing product. It shares the
	 * {@code products} entries with the synchronous reads ({@code null} for an id that does not exist).
	 */
	@Cacheable(cacheNames = "products", sync = true)
	public CompletableFuture<@Nullable Product> findAsync(long id) {
		return CompletableFuture.supplyAsync(() -> this.repository.findById(id).orElse(null), this.databaseThreads);
	}

	/**
	 * The hottest read: every product page. With {@code sync = true}, when the entry is missing (or expired) one
	 * caller, across all instances of the application, loads it while the others wait for its result instead of
	 * all going to the database at once.
	 */
	@Cacheable(cacheNames = "products", sync = true)
	public Optional<Product> findForPage(long id) {
		return this.repository.findById(id);
	}

	/**
	 * A plain cached read by id. Same cache and keys as {@link #findForPage(long)}.
	 */
	@Cacheable("products")
	public Optional<Product> find(long id) {
		return this.repository.findById(id);
	}

	/**
	 * Look-ups of several products at once (a cart, a comparison, a page of search results): the cached ones are
	 * read from Redis in one round trip, and the others from the database in one query, which only sees the missing
	 * ids. Same cache and entries as {@link #find(long)}: an id without a product is cached as {@code null}, as an
	 * empty {@code Optional} is there.
	 * @param ids the ids
	 * @return the products that exist, by id, in the order of {@code ids}
	 */
	@CacheableAll("products")
	public Map<Long, Product> findAll(Collection<Long> ids) {
		Map<Long, Product> products = new HashMap<>();
		for (Product product : this.repository.findAllById(ids)) {
			products.put(product.id(), product);
		}
		return products;
	}

	/**
	 * A category's listing. {@code sync = true} lets {@code refresh-ahead} (see {@code application.yml}) reload a
	 * listing in the background before it expires. The tag lets any change to a product of the category remove the
	 * listing, in every cache that holds one.
	 */
	@Cacheable(cacheNames = "productsByCategory", sync = true)
	@CacheTags("category:#{#category}")
	public List<Product> findByCategory(String category) {
		return this.repository.findByCategory(category);
	}

	/**
	 * Changes a product, the recommended way. After the transaction commits (nothing on rollback) the new product is
	 * written into {@code products}; because the write carries the product's version, a slower concurrent update
	 * can never put an older version back. The product's category listing is invalidated by its tag.
	 */
	@Transactional
	@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
	@InvalidateTags("category:#{#result.category}")
	public Product update(long id, String name, BigDecimal price) {
		return this.repository.update(id, name, price).orElseThrow(() -> new ProductNotFoundException(id));
	}

	/**
	 * Changes a product's price with Spring's own {@code @CachePut}, which works unchanged: the returned product
	 * replaces the cached one (after commit, since the starter's cache manager is transaction-aware), without the
	 * version check of {@link #update}.
	 */
	@Transactional
	@CachePut(cacheNames = "products", key = "#result.id")
	@InvalidateTags("category:#{#result.category}")
	public Product changePrice(long id, BigDecimal price) {
		return this.repository.updatePrice(id, price).orElseThrow(() -> new ProductNotFoundException(id));
	}

	/**
	 * Deletes a product: its entry is evicted from {@code products} and its category listing invalidated.
	 */
	@Transactional
	@CacheEvict("products")
	@InvalidateTags("category:#{#result.category}")
	public Product delete(long id) {
		return this.repository.delete(id).orElseThrow(() -> new ProductNotFoundException(id));
	}

}
