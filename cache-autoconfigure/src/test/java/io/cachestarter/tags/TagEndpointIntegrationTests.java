package io.cachestarter.tags;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cachestarter.CacheTags;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterEndpointAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.endpoint.CacheStarterEndpoint.TagInvalidationDescriptor;
import io.cachestarter.endpoint.CacheStarterEndpointWebExtension;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /actuator/cachestarter/{tag}} on the starter's own {@link RedisTagInvalidator}: the endpoint's
 * operation removes the tagged entries in Redis and reports how many (the HTTP mapping is covered by the endpoint's
 * own web tests).
 */
class TagEndpointIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterEndpointAutoConfiguration.class))
		.withUserConfiguration(GardenConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"management.endpoints.web.exposure.include=cachestarter");

	@Test
	void deleteOperationInvalidatesTheTagInRedisAndAnswersHowManyEntriesItRemoved() {
		this.contextRunner.run((context) -> {
			Garden garden = context.getBean(Garden.class);
			garden.stock(new Product(1, "rake", "home/garden", null, 1, List.of()));
			garden.stock(new Product(2, "hose", "home/garden", null, 1, List.of()));
			garden.stock(new Product(3, "lamp", "home/living", null, 1, List.of()));
			garden.find(1);
			garden.find(2);
			garden.find(3);

			// DELETE /actuator/cachestarter/category:home/garden arrives as two path segments.
			WebEndpointResponse<TagInvalidationDescriptor> response = context
				.getBean(CacheStarterEndpointWebExtension.class)
				.invalidateTag("category:home", "garden");

			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getBody().tag()).isEqualTo("category:home/garden");
			assertThat(response.getBody().evicted()).isEqualTo(2);
			assertThat(redis.commands().exists("shop:products:v1::1", "shop:products:v1::2")).isZero();
			assertThat(redis.commands().exists("shop:products:v1::3")).isOne();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class GardenConfiguration {

		@Bean
		Garden garden() {
			return new Garden();
		}

	}

	static class Garden {

		private final Map<Long, Product> database = new ConcurrentHashMap<>();

		public void stock(Product product) {
			this.database.put(product.id(), product);
		}

		@Cacheable("products")
		@CacheTags("category:#{#result.category}")
		public Product find(long id) {
			return this.database.get(id);
		}

	}

}
