package io.cachestarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The catalog application. {@code @EnableCaching} is all the code cache-starter needs: the Redis address and each
 * cache's settings are in {@code application.yml}, the caching itself is in {@link ProductService}.
 */
@SpringBootApplication
@EnableCaching
public class CatalogApplication {

	public static void main(String[] args) {
		SpringApplication.run(CatalogApplication.class, args);
	}

}
