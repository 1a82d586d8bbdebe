package io.cachestarter.test.redis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1}, made with {@code openssl}, that serves Redis as its TLS
 * certificate and as the CA it trusts (so cluster nodes and replicas verify each other with it), and clients as
 * their trust store.
 *
 * @param certificate the PEM certificate
 * @param key the PEM private key
 */
public record SelfSignedCertificate(Path certificate, Path key) {

	private static final long OPENSSL_TIMEOUT_SECONDS = 60;

	/**
	 * Creates {@code cert.pem} and {@code key.pem} in {@code dir}, valid for two days.
	 * @param dir where to write them
	 * @return the certificate, or empty when {@code openssl} is missing or fails (tests then skip themselves)
	 */
	public static Optional<SelfSignedCertificate> create(Path dir) {
		Path certificate = dir.resolve("cert.pem");
		Path key = dir.resolve("key.pem");
		try {
			Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
					key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
					"subjectAltName=IP:127.0.0.1")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("openssl.log").toFile())
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return Optional.empty();
			}
			return (process.exitValue() == 0) ? Optional.of(new SelfSignedCertificate(certificate, key))
					: Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	/**
	 * The {@code redis-server} arguments that serve TLS on {@code tlsPort} with this certificate, without asking
	 * clients for a certificate of their own; the plain port stays open for the test's own assertions.
	 * @param tlsPort the TLS port
	 * @return the arguments
	 */
	public List<String> redisArgs(int tlsPort) {
		return List.of("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", this.certificate.toString(),
				"--tls-key-file", this.key.toString(), "--tls-ca-cert-file", this.certificate.toString(),
				"--tls-auth-clients", "no");
	}

}
