package io.cachestarter.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.cachestarter.resilience.Catalog;
import io.cachestarter.resilience.CatalogTestConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole application on a real port, with every auto-configuration on the class path: during a Redis outage
 * {@code GET /actuator/health} still answers 200 and {@code UP}, {@code cacheStarter} says {@code DEGRADED}, and
 * there is no {@code redis} component to fail the aggregate.
 */
class HealthEndpointDuringOutageTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void redisOutageLeavesTheApplicationUpWithHttp200AndTheComponentDegraded() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.url=" + redis.uri(),
					"cache-starter.resilience.command-timeout=300ms",
					"cache-starter.serialization.allowed-packages=io.cachestarter",
					"management.endpoints.web.exposure.include=health",
					"management.endpoint.health.show-details=always")
			.run()) {
			String url = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
					+ "/actuator/health";
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.find(1)).isEqualTo(catalog.row(1));

			HttpResponse<String> healthy = get(url);
			assertThat(healthy.statusCode()).isEqualTo(200);
			JsonNode body = JsonMapper.shared().readTree(healthy.body());
			assertThat(body.path("status").asString()).isEqualTo("UP");
			assertThat(body.path("components").path("cacheStarter").path("status").asString()).isEqualTo("UP");
			assertThat(body.path("components").has("redis")).isFalse();

			redis.server().kill();
			assertThat(catalog.find(2)).isEqualTo(catalog.row(2));
			HttpResponse<String> outage = get(url);
			assertThat(outage.statusCode()).isEqualTo(200);
			JsonNode degraded = JsonMapper.shared().readTree(outage.body());
			assertThat(degraded.path("status").asString()).isEqualTo("UP");
			JsonNode component = degraded.path("components").path("cacheStarter");
			assertThat(component.path("status").asString()).isEqualTo("DEGRADED");
			assertThat(component.path("details").path("reachable").asBoolean()).isFalse();
			assertThat(degraded.path("components").has("redis")).isFalse();
		}
	}

	private HttpResponse<String> get(String url) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(CatalogTestConfiguration.class)
	static class WebApplication {

	}

}
