package io.cachestarter.interceptor;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Runs an action at once, or after the current transaction commits when transaction synchronization is active (and
 * never if it rolls back). spring-tx is optional: without it, actions run at once.
 */
public final class AfterCommit {

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager",
			AfterCommit.class.getClassLoader());

	private AfterCommit() {
	}

	/**
	 * Runs an action now or after commit.
	 * @param action what to do; must not throw
	 * @param order its order among the transaction's synchronizations (lower runs first)
	 * @return {@code true} if it was deferred to after commit
	 */
	public static boolean run(Runnable action, int order) {
		if (TRANSACTIONS_PRESENT && Synchronization.register(action, order)) {
			return true;
		}
		action.run();
		return false;
	}

	/** Kept apart so that spring-tx is only loaded when present. */
	private static final class Synchronization {

		static boolean register(Runnable action, int order) {
			if (!TransactionSynchronizationManager.isSynchronizationActive()) {
				return false;
			}
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public int getOrder() {
					return order;
				}

				@Override
				public void afterCommit() {
					action.run();
				}

			});
			return true;
		}

	}

}
