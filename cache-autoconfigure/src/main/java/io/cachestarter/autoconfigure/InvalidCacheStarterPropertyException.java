package io.cachestarter.autoconfigure;

/**
 * Thrown at start-up when a {@code cache-starter.*} property has a value that cannot work. It names the property,
 * the value and the rule, and {@link InvalidCacheStarterPropertyFailureAnalyzer} turns it into a failure analysis.
 */
public class InvalidCacheStarterPropertyException extends RuntimeException {

	private final String property;

	private final String value;

	private final String rule;

	public InvalidCacheStarterPropertyException(String property, Object value, String rule) {
		super("Invalid value '" + value + "' for property '" + property + "': " + rule);
		this.property = property;
		this.value = String.valueOf(value);
		this.rule = rule;
	}

	public String getProperty() {
		return this.property;
	}

	public String getValue() {
		return this.value;
	}

	public String getRule() {
		return this.rule;
	}

}
