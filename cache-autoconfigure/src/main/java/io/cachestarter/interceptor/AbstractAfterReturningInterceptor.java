package io.cachestarter.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Base class of an interceptor that acts on one annotation after the annotated method returns normally (nothing
 * happens when it throws). Subclasses implement {@link #afterReturning}.
 *
 * @param <A> the annotation type
 */
public abstract class AbstractAfterReturningInterceptor<A extends Annotation> implements MethodInterceptor {

	private final MethodAnnotations<A> annotations;

	protected AbstractAfterReturningInterceptor(Class<A> annotationType) {
		this.annotations = new MethodAnnotations<>(annotationType);
	}

	/**
	 * Whether a method called on a target class carries the annotation (on the method, or on the class for
	 * annotations that allow it).
	 * @param method the method
	 * @param targetClass the target's class
	 * @return {@code true} if this interceptor applies
	 */
	public boolean matches(Method method, @Nullable Class<?> targetClass) {
		return this.annotations.find(method, targetClass) != null;
	}

	@Override
	public final @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object result = invocation.proceed();
		Invocation call = Invocation.of(invocation);
		A annotation = this.annotations.find(invocation.getMethod(), call.getTargetClass());
		if (annotation != null) {
			afterReturning(annotation, call, result);
		}
		return result;
	}

	/**
	 * Acts on a call that returned normally.
	 * @param annotation the method's annotation
	 * @param call the call
	 * @param result what it returned
	 */
	protected abstract void afterReturning(A annotation, Invocation call, @Nullable Object result);

}
