package io.cachestarter.interceptor;

import java.lang.reflect.Method;
import java.util.function.BiPredicate;

import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;

/**
 * An advisor for one of the starter's interceptors: applies it, at a given order, to the methods it matches. Register
 * it as an infrastructure bean so that Spring's auto-proxy creator applies it to application beans.
 */
public final class InvocationAdvisor extends StaticMethodMatcherPointcutAdvisor {

	private final BiPredicate<Method, @Nullable Class<?>> matcher;

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor
	 * @param matcher which methods of which target classes it applies to
	 * @param order its order among advisors; a lower value runs further outside
	 */
	public InvocationAdvisor(MethodInterceptor interceptor, BiPredicate<Method, @Nullable Class<?>> matcher,
			int order) {
		super(interceptor);
		this.matcher = matcher;
		setOrder(order);
	}

	@Override
	public boolean matches(Method method, @Nullable Class<?> targetClass) {
		return this.matcher.test(method, targetClass);
	}

}
