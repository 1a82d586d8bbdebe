package io.cachestarter.benchmarks.compression;

import java.util.List;

import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * The bean behind the {@code @Cacheable} proxy: one page of products, in a cache that compresses ({@code on}) and
 * one that does not ({@code off}). Its methods do no work of their own, so a benchmark measures the cache.
 */
public class PageLookup {

	private volatile List<CatalogProduct> page = List.of();

	void setPage(List<CatalogProduct> page) {
		this.page = page;
	}

	List<CatalogProduct> page() {
		return this.page;
	}

	@Cacheable(cacheNames = "on", key = "#key")
	public List<CatalogProduct> on(int key) {
		return this.page;
	}

	@Cacheable(cacheNames = "off", key = "#key")
	public List<CatalogProduct> off(int key) {
		return this.page;
	}

	@CachePut(cacheNames = "on", key = "#key")
	public List<CatalogProduct> putOn(int key) {
		return this.page;
	}

	@CachePut(cacheNames = "off", key = "#key")
	public List<CatalogProduct> putOff(int key) {
		return this.page;
	}

}
