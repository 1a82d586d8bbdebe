package io.cachestarter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property of the contract has IDE metadata with a description and its default.
 */
class ConfigurationMetadataTests {

	@Test
	void everyContractPropertyIsDescribedWithItsDefault() throws IOException {
		Map<String, JsonNode> properties = new HashMap<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).isNotNull();
			JsonMapper.builder().build().readTree(in).get("properties").forEach((p) -> properties.put(p.get("name").asString(), p));
		}
		Map<String, String> defaults = Map.ofEntries(Map.entry("enabled", "true"),
				Map.entry("key-prefix", "${spring.application.name}:"), Map.entry("defaults.ttl", "10m"),
				Map.entry("defaults.jitter", "0.1"), Map.entry("defaults.cache-null-values", "true"),
				Map.entry("defaults.null-ttl", "60s"), Map.entry("defaults.version", "1"),
				Map.entry("defaults.refresh-ahead", "0"), Map.entry("defaults.stale-ttl", "0s"),
				Map.entry("defaults.local.enabled", "false"), Map.entry("defaults.local.max-size", "10000"),
				Map.entry("defaults.local.ttl", "30s"), Map.entry("stampede.enabled", "true"),
				Map.entry("stampede.lock-lease", "10s"), Map.entry("stampede.wait-timeout", "3s"),
				Map.entry("resilience.enabled", "true"), Map.entry("resilience.command-timeout", "500ms"),
				Map.entry("defaults.compression.enabled", "false"),
				Map.entry("defaults.compression.threshold", "4KB"), Map.entry("max-value-size", "1MB"));
		defaults.forEach((name, value) -> {
			JsonNode property = properties.get("cache-starter." + name);
			assertThat(property).as(name).isNotNull();
			assertThat(property.get("description").asString()).as(name).isNotBlank();
			assertThat(property.get("defaultValue").asString()).as(name).isEqualTo(value);
		});
		for (String name : List.of("caches", "serialization.allowed-packages")) {
			assertThat(properties.get("cache-starter." + name).get("description").asString()).isNotBlank();
		}
	}

}
