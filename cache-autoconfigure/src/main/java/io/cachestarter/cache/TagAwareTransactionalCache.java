package io.cachestarter.cache;


import io.cachestarter.cache.EntryTagging;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's transaction-aware cache decoration (puts and evictions after commit), with the tag context of the call
 * that made a put carried to the write that runs after commit, so that a {@code @Cacheable} or {@code @CachePut}
 * call inside a transaction still tags its entry (and still counts from the moment its load began).
 */
final class TagAwareTransactionalCache extends TransactionAwareCacheDecorator {

	private final EntryTagging tagging;

	TagAwareTransactionalCache(Cache targetCache, EntryTagging tagging) {
		super(targetCache);
		this.tagging = tagging;
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			getTargetCache().put(key, value);
			return;
		}
		Runnable put = this.tagging.propagate(() -> getTargetCache().put(key, value));
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				put.run();
			}

		});
	}

}
