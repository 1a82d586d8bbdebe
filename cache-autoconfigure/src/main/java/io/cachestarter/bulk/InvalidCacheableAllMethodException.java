package io.cachestarter.bulk;

import java.lang.reflect.Method;

/**
 * Thrown at start-up when a {@link io.cachestarter.CacheableAll @CacheableAll} method cannot be cached: it names the
 * method and the rule it breaks, and a failure analyzer turns it into a failure analysis.
 */
public class InvalidCacheableAllMethodException extends RuntimeException {

	private final Method method;

	private final String rule;

	private final String fix;

	/**
	 * Creates the exception.
	 * @param method the annotated method
	 * @param rule what it breaks, completing "@CacheableAll method ... "
	 * @param fix what to change
	 */
	public InvalidCacheableAllMethodException(Method method, String rule, String fix) {
		super("@CacheableAll method " + describe(method) + " " + rule);
		this.method = method;
		this.rule = rule;
		this.fix = fix;
	}

	public Method getMethod() {
		return this.method;
	}

	/**
	 * Returns the method as messages name it: its class, name and parameter types.
	 * @return for example {@code com.example.ProductService.findAll(java.util.Collection)}
	 */
	public String getMethodDescription() {
		return describe(this.method);
	}

	public String getRule() {
		return this.rule;
	}

	public String getFix() {
		return this.fix;
	}

	private static String describe(Method method) {
		StringBuilder description = new StringBuilder(method.getDeclaringClass().getName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			description.append((i > 0) ? ", " : "").append(types[i].getTypeName());
		}
		return description.append(')').toString();
	}

}
