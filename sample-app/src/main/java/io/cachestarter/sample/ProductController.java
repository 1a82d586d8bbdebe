package io.cachestarter.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The catalog's REST API. It knows nothing about caching.
 */
@RestController
public class ProductController {

	private final ProductService products;

	public ProductController(ProductService products) {
		this.products = products;
	}

	@GetMapping("/products/{id}")
	public ResponseEntity<Product> product(@PathVariable long id) {
		return ResponseEntity.of(this.products.findForPage(id));
	}

	/** The same product, read asynchronously: Spring MVC answers when the future completes. */
	@GetMapping("/async/products/{id}")
	public CompletableFuture<ResponseEntity<Product>> productAsync(@PathVariable long id) {
		return this.products.findAsync(id).thenApply((product) -> ResponseEntity.of(Optional.ofNullable(product)));
	}

	/** Several products, in the order of {@code ids}; ids without a product are left out. */
	@GetMapping(path = "/products", params = "ids")
	public List<Product> products(@RequestParam List<Long> ids) {
		return List.copyOf(this.products.findAll(ids).values());
	}

	@GetMapping("/categories/{category}/products")
	public List<Product> category(@PathVariable String category) {
		return this.products.findByCategory(category);
	}

	@PutMapping("/products/{id}")
	public Product update(@PathVariable long id, @RequestBody ProductChange change) {
		return this.products.update(id, change.name(), change.price());
	}

	@PatchMapping("/products/{id}/price")
	public Product changePrice(@PathVariable long id, @RequestBody PriceChange change) {
		return this.products.changePrice(id, change.price());
	}

	@DeleteMapping("/products/{id}")
	public Product delete(@PathVariable long id) {
		return this.products.delete(id);
	}

	/**
	 * Body of {@code PUT /products/{id}}.
	 *
	 * @param name the new name
	 * @param price the new price
	 */
	public record ProductChange(String name, BigDecimal price) {

		public ProductChange {
			if (name == null || name.isBlank() || price == null || price.signum() < 0) {
				throw new IllegalArgumentException("A product needs a name and a price of at least 0");
			}
		}

	}

	/**
	 * Body of {@code PATCH /products/{id}/price}.
	 *
	 * @param price the new price
	 */
	public record PriceChange(BigDecimal price) {

		public PriceChange {
			if (price == null || price.signum() < 0) {
				throw new IllegalArgumentException("A price must be at least 0");
			}
		}

	}

}
