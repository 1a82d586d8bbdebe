package io.cachestarter.autoconfigure;

import io.cachestarter.testapp.CatalogConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of the properties: a bad value stops start-up with a failure analysis naming the property, the value
 * and the rule.
 */
class CachePropertiesValidationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			cache-starter.defaults.ttl                  | 0s    | cache-starter.defaults.ttl                  | must be greater than 0
			cache-starter.caches.products.ttl           | -1s   | cache-starter.caches.products.ttl           | must be greater than 0
			cache-starter.defaults.jitter               | 0.6   | cache-starter.defaults.jitter               | must be between 0 and 0.5
			cache-starter.caches.products.jitter        | -0.1  | cache-starter.caches.products.jitter        | must be between 0 and 0.5
			cache-starter.defaults.refresh-ahead        | 1     | cache-starter.defaults.refresh-ahead        | must be at least 0 and less than 1
			cache-starter.caches.products.refresh-ahead | -0.5  | cache-starter.caches.products.refresh-ahead | must be at least 0 and less than 1
			cache-starter.caches.products.null-ttl      | 20m   | cache-starter.caches.products.null-ttl      | must be at most the cache's ttl (10m)
			cache-starter.defaults.null-ttl             | 11m   | cache-starter.defaults.null-ttl             | must be at most the cache's ttl (10m)
			cache-starter.caches.products.null-ttl      | 0s    | cache-starter.caches.products.null-ttl      | must be greater than 0
			cache-starter.caches.products.local.ttl     | 1h    | cache-starter.caches.products.local.ttl     | must be at most the cache's ttl (10m)
			cache-starter.defaults.local.max-size       | 0     | cache-starter.defaults.local.max-size       | must be greater than 0
			cache-starter.caches.products.stale-ttl     | -5s   | cache-starter.caches.products.stale-ttl     | must not be negative
			cache-starter.caches.products.version       | -1    | cache-starter.caches.products.version       | must not be negative
			cache-starter.stampede.lock-lease           | 0s    | cache-starter.stampede.lock-lease           | must be greater than 0
			cache-starter.stampede.wait-timeout         | 0ms   | cache-starter.stampede.wait-timeout         | must be greater than 0
			cache-starter.resilience.command-timeout    | 0s    | cache-starter.resilience.command-timeout    | must be greater than 0
			cache-starter.max-value-size                | 0B    | cache-starter.max-value-size                | must be greater than 0
			cache-starter.defaults.compression.threshold       | 0B   | cache-starter.defaults.compression.threshold       | must be greater than 0
			cache-starter.caches.products.compression.threshold | -1KB | cache-starter.caches.products.compression.threshold | must be greater than 0
			""")
	void badValueFailsStartUpNamingPropertyValueAndRule(String property, String value, String named, String rule) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = new InvalidCacheStarterPropertyFailureAnalyzer().analyze(failure);
			assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
			assertThat(analysis.getDescription()).contains("'" + named + "'").contains(rule);
			assertThat(analysis.getAction()).contains(named);
		});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			cache-starter.caches.products.null-ttl | 20m  | 20m
			cache-starter.defaults.jitter          | 0.6  | 0.6
			cache-starter.caches.products.ttl      | -1s  | -1s
			""")
	void failureNamesTheOffendingValue(String property, String value, String shown) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			FailureAnalysis analysis = new InvalidCacheStarterPropertyFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).startsWith("Invalid value '" + shown + "'");
		});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			cache-starter.caches.products.ttl    | 2s
			cache-starter.caches.products.jitter | 0.5
			cache-starter.caches.products.jitter | 0
			cache-starter.defaults.refresh-ahead | 0.99
			""")
	void boundaryValuesStart(String property, String value) {
		this.contextRunner.withPropertyValues(property + "=" + value)
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
