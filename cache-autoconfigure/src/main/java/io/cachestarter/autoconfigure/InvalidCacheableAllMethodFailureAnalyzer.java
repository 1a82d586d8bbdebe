package io.cachestarter.autoconfigure;

import io.cachestarter.bulk.InvalidCacheableAllMethodException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidCacheableAllMethodException} when the application fails to start: which method, which
 * rule, and what to change.
 */
class InvalidCacheableAllMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCacheableAllMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidCacheableAllMethodException cause) {
		String description = "The @CacheableAll method " + cause.getMethodDescription() + " " + cause.getRule()
				+ ". A @CacheableAll method takes a Collection (or an array) of keys as its first parameter and "
				+ "returns a Map from key to value.";
		return new FailureAnalysis(description, cause.getFix(), cause);
	}

}
