package io.cachestarter.cache;

import java.util.stream.IntStream;

import io.cachestarter.cache.CacheCounters.HotKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HotKeySampler}.
 */
class HotKeySamplerTests {

	private final HotKeySampler sampler = new HotKeySampler();

	@Test
	void ranksKeysByRecordedGets() {
		record("a", 5);
		record("b", 9);
		record("c", 1);
		assertThat(this.sampler.hottest(2)).containsExactly(new HotKey("b", 9), new HotKey("a", 5));
	}

	@Test
	void tracksAtMostItsCapacityOfKeys() {
		IntStream.range(0, HotKeySampler.CAPACITY + 50).forEach((i) -> this.sampler.record("key" + i));
		assertThat(this.sampler.hottest(Integer.MAX_VALUE)).hasSize(HotKeySampler.CAPACITY);
	}

	@Test
	void halvesCountsPeriodicallySoKeysSeenOnceFadeOut() {
		record("hot", 600);
		IntStream.range(0, HotKeySampler.DECAY_EVERY - 600).forEach((i) -> this.sampler.record("cold" + (i % 100)));
		// The decay ran at the last sample: "hot" halved, the cold keys (4 or 5 samples each) dropped to 2.
		assertThat(this.sampler.hottest(1)).containsExactly(new HotKey("hot", 300));
		assertThat(this.sampler.hottest(Integer.MAX_VALUE)).allSatisfy((hotKey) -> assertThat(hotKey.sampledGets())
			.isLessThanOrEqualTo(300));
	}

	@Test
	void dropsKeysWhoseCountDecaysToZero() {
		record("once", 1);
		IntStream.range(0, HotKeySampler.DECAY_EVERY - 1).forEach((i) -> this.sampler.record("steady"));
		assertThat(this.sampler.hottest(10)).containsExactly(new HotKey("steady", (HotKeySampler.DECAY_EVERY - 1) / 2));
	}

	@Test
	void samplesAboutOneGetInSixteen() {
		for (int i = 0; i < 16_000; i++) {
			this.sampler.sample("k");
		}
		// About 1000 samples: no decay (count near 1000) or one at the 1024th sample (count a little above 512).
		// Sampling every get would end far above 1024, one in eight near 1500, and none would leave no key.
		long sampled = this.sampler.hottest(1).get(0).sampledGets();
		assertThat(sampled).isBetween(500L, 1023L);
	}

	private void record(String key, int times) {
		for (int i = 0; i < times; i++) {
			this.sampler.record(key);
		}
	}

}
