package io.cachestarter.ttl;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TtlPolicyTests {

	@Test
	void drawsValueTtlsUniformlyBelowTheTtl() {
		TtlPolicy policy = policy(Duration.ofSeconds(100), 0.2, Duration.ZERO);
		Set<Long> seen = new HashSet<>();
		long below90 = 0;
		for (int i = 0; i < 10_000; i++) {
			long ttl = policy.nextValueTtlMillis();
			assertThat(ttl).isBetween(80_000L, 100_000L);
			seen.add(ttl);
			below90 += (ttl < 90_000) ? 1 : 0;
		}
		assertThat(seen).hasSizeGreaterThan(5_000);
		assertThat(below90).isBetween(4_000L, 6_000L); // uniform: about half below the midpoint
	}

	@Test
	void zeroJitterGivesTheTtl() {
		TtlPolicy policy = policy(Duration.ofSeconds(10), 0, Duration.ZERO);
		for (int i = 0; i < 100; i++) {
			assertThat(policy.nextValueTtlMillis()).isEqualTo(10_000L);
		}
	}

	@Test
	void staleWindowExtendsOnlyTheRedisTtl() {
		TtlPolicy policy = policy(Duration.ofSeconds(10), 0, Duration.ofSeconds(5));
		assertThat(policy.redisTtlMillis(policy.nextValueTtlMillis())).isEqualTo(15_000L);
		assertThat(policy.nullTtlMillis()).isEqualTo(1_000L);
	}

	private static TtlPolicy policy(Duration ttl, double jitter, Duration stale) {
		return new TtlPolicy(ttl, jitter, Duration.ofSeconds(1), stale);
	}

}
