package io.cachestarter.bulk;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

import io.cachestarter.CacheableAll;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * One {@link CacheableAll @CacheableAll} method, checked once: its cache, and how to read its keys from the first
 * argument and pass the missing ones back in the same shape.
 * <p>
 * The rules, each of which fails start-up with {@link InvalidCacheableAllMethodException}: a cache name; a first
 * parameter that is an array, or a collection type that an {@code ArrayList}, a {@code LinkedHashSet} or a
 * {@code TreeSet} can be passed as; a return type that a {@code LinkedHashMap} can be returned as ({@code Map},
 * {@code HashMap}, {@code LinkedHashMap}); and no Spring cache annotation on the same method.
 */
final class BulkMethod {

	private final String cacheName;

	private final Function<List<Object>, Object> keysArgument;

	private BulkMethod(String cacheName, Function<List<Object>, Object> keysArgument) {
		this.cacheName = cacheName;
		this.keysArgument = keysArgument;
	}

	/**
	 * Checks a method against the rules.
	 * @param method the most specific method, as called on its target class
	 * @param annotation its annotation
	 * @return the method's description
	 * @throws InvalidCacheableAllMethodException if it breaks a rule
	 */
	static BulkMethod of(Method method, CacheableAll annotation) {
		if (annotation.value().isBlank()) {
			throw new InvalidCacheableAllMethodException(method, "names no cache",
					"Name the cache, as in @CacheableAll(\"products\").");
		}
		for (Class<? extends Annotation> spring : List.of(Cacheable.class, CachePut.class,
				CacheEvict.class, Caching.class)) {
			if (AnnotatedElementUtils.hasAnnotation(method, spring)) {
				throw new InvalidCacheableAllMethodException(method,
						"also carries @" + spring.getSimpleName() + ", which would cache the whole map under one key",
						"Keep only @CacheableAll on the method; put any other cache operation on another method.");
			}
		}
		if (method.getParameterCount() == 0) {
			throw new InvalidCacheableAllMethodException(method, "has no parameter; its first must hold the keys",
					"Make the first parameter a Collection (or an array) of keys, for example "
							+ "Map<Long, Product> findAll(Collection<Long> ids).");
		}
		@Nullable Function<List<Object>, Object> keysArgument = keysArgument(method.getParameterTypes()[0]);
		if (keysArgument == null) {
			throw new InvalidCacheableAllMethodException(method,
					"has a first parameter of type " + method.getParameterTypes()[0].getTypeName()
							+ ", which is not a collection or an array of keys",
					"Make the first parameter a Collection, List or Set (or an array) of keys, for example "
							+ "Map<Long, Product> findAll(Collection<Long> ids).");
		}
		if (!method.getReturnType().isAssignableFrom(LinkedHashMap.class)) {
			throw new InvalidCacheableAllMethodException(method,
					"returns " + method.getReturnType().getTypeName() + ", not a Map from key to value",
					"Make the method return Map<K, V> (a LinkedHashMap in request order is returned to callers).");
		}
		return new BulkMethod(annotation.value(), keysArgument);
	}

	private static @Nullable Function<List<Object>, Object> keysArgument(Class<?> type) {
		if (type.isArray()) {
			Class<?> component = type.getComponentType();
			return (keys) -> {
				Object array = Array.newInstance(component, keys.size());
				for (int i = 0; i < keys.size(); i++) {
					Array.set(array, i, keys.get(i));
				}
				return array;
			};
		}
		if (!Iterable.class.isAssignableFrom(type)) {
			return null;
		}
		if (type.isAssignableFrom(ArrayList.class)) {
			return ArrayList::new;
		}
		if (type.isAssignableFrom(LinkedHashSet.class)) {
			return LinkedHashSet::new;
		}
		if (type.isAssignableFrom(TreeSet.class)) {
			return TreeSet::new;
		}
		return null;
	}

	String cacheName() {
		return this.cacheName;
	}

	/**
	 * Returns the keys of a call, in order, each once.
	 * @param argument the first argument
	 * @return the keys
	 * @throws IllegalArgumentException if a key is {@code null}
	 */
	static List<Object> keys(Object argument) {
		LinkedHashSet<Object> keys = new LinkedHashSet<>();
		if (argument.getClass().isArray()) {
			int length = Array.getLength(argument);
			for (int i = 0; i < length; i++) {
				keys.add(nonNull(Array.get(argument, i)));
			}
		}
		else if (argument instanceof Collection<?> collection) {
			for (Object key : collection) {
				keys.add(nonNull(key));
			}
		}
		else {
			for (Object key : (Iterable<?>) argument) {
				keys.add(nonNull(key));
			}
		}
		return new ArrayList<>(keys);
	}

	private static Object nonNull(@Nullable Object key) {
		if (key == null) {
			throw new IllegalArgumentException("A @CacheableAll method was called with a null key");
		}
		return key;
	}

	/**
	 * Returns the first argument to call the method with: the missing keys, in the shape of the parameter.
	 * @param keys the missing keys, in request order
	 * @return the argument
	 */
	Object keysArgument(List<Object> keys) {
		return this.keysArgument.apply(keys);
	}

}
