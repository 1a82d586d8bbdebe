package io.cachestarter.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidCacheStarterPropertyException} when the application fails to start.
 */
class InvalidCacheStarterPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCacheStarterPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidCacheStarterPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for property '" + cause.getProperty() + "': "
				+ cause.getRule() + ".";
		String action = "Update '" + cause.getProperty() + "' in your configuration so that it " + cause.getRule()
				+ ".";
		return new FailureAnalysis(description, action, cause);
	}

}
