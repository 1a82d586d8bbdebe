package io.cachestarter.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.test.redis.SelfSignedCertificate;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.CatalogService;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cache over TLS as an ACL user that may not run {@code KEYS}, configured only through Spring Boot's
 * {@code spring.data.redis.*} and SSL bundle properties. The least-privilege rule itself, on every capability, is in
 * {@code io.cachestarter.matrix}.
 */
class TlsAclIntegrationTests {

	@Test
	void cachesAndClearsOverTlsAsARestrictedAclUser(@TempDir Path dir) throws Exception {
		Optional<SelfSignedCertificate> certificate = SelfSignedCertificate.create(dir);
		assumeTrue(certificate.isPresent(), "openssl is needed to create a test certificate");
		Path acl = Files.writeString(dir.resolve("users.acl"),
				"user default on nopass ~* &* +@all\nuser app on >secret ~* &* +@all -keys\n");
		try (RedisServer server = RedisServer.startWithTls(certificate.get(), "--aclfile", acl.toString())) {
			int tlsPort = server.tlsPort();
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
						CacheStarterAutoConfiguration.class))
				.withUserConfiguration(CatalogConfiguration.class)
				.withPropertyValues("spring.data.redis.url=rediss://app:secret@127.0.0.1:" + tlsPort,
						"spring.data.redis.ssl.bundle=redis",
						"spring.ssl.bundle.pem.redis.truststore.certificate=" + dir.resolve("cert.pem").toUri(),
						"cache-starter.serialization.allowed-packages=io.cachestarter")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					CatalogService catalog = context.getBean(CatalogService.class);
					catalog.save(Product.of(1, "kettle"));
					assertThat(catalog.find(1)).isEqualTo(Product.of(1, "kettle"));
					assertThat(catalog.find(1)).isEqualTo(Product.of(1, "kettle"));
					assertThat(catalog.loads()).isOne();
					assertThat(server.commands().pttl("products:v1::1")).isPositive();
					assertThat(server.commands().info("clients")).contains("connected_clients:");
					context.getBean(StarterCacheManager.class).getCache("products").clear();
					assertThat(server.commands().exists("products:v1::1")).isZero();
				});
		}
	}

}
