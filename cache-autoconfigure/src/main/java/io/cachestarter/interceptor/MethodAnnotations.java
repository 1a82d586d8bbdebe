package io.cachestarter.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds one annotation for a method of a target class, as Spring's own cache and transaction annotations are found:
 * on the most specific method (or a method it overrides or implements), else on the target class or its
 * interfaces. Results are cached per method and class.
 *
 * @param <A> the annotation type
 */
public final class MethodAnnotations<A extends Annotation> {

	private final Class<A> type;

	private final Map<MethodClassKey, Optional<A>> found = new ConcurrentHashMap<>();

	public MethodAnnotations(Class<A> type) {
		this.type = type;
	}

	/**
	 * Returns the annotation that applies to a method called on a target class.
	 * @param method the method, as called
	 * @param targetClass the class of the target object
	 * @return the annotation, or {@code null}
	 */
	public @Nullable A find(Method method, @Nullable Class<?> targetClass) {
		return this.found.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> Optional.ofNullable(lookup(method, targetClass)))
			.orElse(null);
	}

	private @Nullable A lookup(Method method, @Nullable Class<?> targetClass) {
		Method specific = BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
		A annotation = AnnotatedElementUtils.findMergedAnnotation(specific, this.type);
		if (annotation == null && targetClass != null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, this.type);
		}
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), this.type);
		}
		return annotation;
	}

}
