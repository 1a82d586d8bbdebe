package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it until a deadline, so no caller ever guesses a fixed delay.
 */
final class Poll {

	private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private Poll() {
	}

	/**
	 * Polls {@code condition} until it holds or {@code timeout} has passed.
	 * @return whether the condition held before the deadline (false also when interrupted)
	 */
	static boolean await(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (condition.getAsBoolean()) {
				return true;
			}
			if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(INTERVAL_NANOS);
		}
	}

}
