package io.cachestarter.benchmarks.load;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Product ids drawn from a zipf distribution: the product of rank {@code k} is asked for in proportion to
 * {@code 1 / k^s}. Ranks map to ids through a fixed shuffle, so the hot products are spread over the catalog.
 */
final class Zipf {

	private final double[] cumulative;

	private final long[] idOfRank;

	Zipf(int size, double exponent, long seed) {
		this.cumulative = new double[size];
		double sum = 0;
		for (int rank = 1; rank <= size; rank++) {
			sum += 1 / Math.pow(rank, exponent);
			this.cumulative[rank - 1] = sum;
		}
		for (int i = 0; i < size; i++) {
			this.cumulative[i] /= sum;
		}
		this.idOfRank = new long[size];
		for (int i = 0; i < size; i++) {
			this.idOfRank[i] = i + 1;
		}
		Random random = new Random(seed);
		for (int i = size - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			long swap = this.idOfRank[i];
			this.idOfRank[i] = this.idOfRank[j];
			this.idOfRank[j] = swap;
		}
	}

	long next() {
		int index = Arrays.binarySearch(this.cumulative, ThreadLocalRandom.current().nextDouble());
		int rank = (index >= 0) ? index : Math.min(-index - 1, this.cumulative.length - 1);
		return this.idOfRank[rank];
	}

	/**
	 * The share of requests that go to the {@code top} most requested products.
	 */
	double shareOfTop(int top) {
		return this.cumulative[Math.min(top, this.cumulative.length) - 1];
	}

}
