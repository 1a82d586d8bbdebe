package io.cachestarter.async;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.CacheTags;
import io.cachestarter.testapp.Product;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cache.annotation.Cacheable;

/**
 * Cached methods that return a {@code CompletableFuture}, a {@code Mono} or a {@code Flux}, each with and without
 * {@code sync = true}, over an in-memory "database" whose answers take {@link #latency} and arrive on another
 * thread, as a real non-blocking client's would (the futures on a pool, the publishers on Reactor's parallel
 * scheduler, a non-blocking thread).
 */
public class ReactiveCatalog {

	private final Map<Long, Product> database = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	private final ExecutorService databaseThreads = Executors.newFixedThreadPool(4);

	private volatile Duration latency = Duration.ofMillis(5);

	public void save(Product product) {
		this.database.put(product.id(), product);
	}

	public void latency(Duration latency) {
		this.latency = latency;
	}

	public int loads() {
		return this.loads.get();
	}

	@Cacheable("products")
	public CompletableFuture<@Nullable Product> future(long id) {
		return CompletableFuture.supplyAsync(() -> load(id), this.databaseThreads);
	}

	@Cacheable(cacheNames = "products", sync = true)
	public CompletableFuture<@Nullable Product> futureSync(long id) {
		return CompletableFuture.supplyAsync(() -> load(id), this.databaseThreads);
	}

	@Cacheable("products")
	public Mono<Product> mono(long id) {
		return Mono.delay(this.latency).map((tick) -> load(id));
	}

	@Cacheable(cacheNames = "products", sync = true)
	public Mono<Product> monoSync(long id) {
		return Mono.delay(this.latency).map((tick) -> load(id));
	}

	/** Empty when the product does not exist. */
	@Cacheable("products")
	public Mono<Product> monoOrEmpty(long id) {
		return Mono.delay(this.latency).flatMap((tick) -> Mono.justOrEmpty(load(id)));
	}

	@Cacheable(cacheNames = "products", sync = true)
	public Mono<Product> monoOrEmptySync(long id) {
		return Mono.delay(this.latency).flatMap((tick) -> Mono.justOrEmpty(load(id)));
	}

	@Cacheable("listings")
	public Flux<Product> flux(String category) {
		return Mono.delay(this.latency).flatMapMany((tick) -> Flux.fromIterable(listing(category)));
	}

	@Cacheable(cacheNames = "listings", sync = true)
	public Flux<Product> fluxSync(String category) {
		return Mono.delay(this.latency).flatMapMany((tick) -> Flux.fromIterable(listing(category)));
	}

	@Cacheable("listings")
	@CacheTags("category:#{#category}")
	public Flux<Product> taggedFlux(String category) {
		return Mono.delay(this.latency).flatMapMany((tick) -> Flux.fromIterable(listing(category)));
	}

	@Cacheable(cacheNames = "listings", sync = true)
	@CacheTags("category:#{#category}")
	public Mono<List<Product>> taggedMonoSync(String category) {
		return Mono.delay(this.latency).map((tick) -> listing(category));
	}

	@Cacheable("products")
	@CacheTags("category:#{#result.category}")
	public CompletableFuture<@Nullable Product> taggedFuture(long id) {
		return CompletableFuture.supplyAsync(() -> load(id), this.databaseThreads);
	}

	private @Nullable Product load(long id) {
		this.loads.incrementAndGet();
		return this.database.get(id);
	}

	private List<Product> listing(String category) {
		this.loads.incrementAndGet();
		return this.database.values()
			.stream()
			.filter((product) -> product.category().equals(category))
			.sorted((a, b) -> Long.compare(a.id(), b.id()))
			.toList();
	}

	/** Stops the database's threads. */
	public void close() {
		this.databaseThreads.shutdownNow();
	}

}
