package io.cachestarter.serialization;

import java.util.Collection;

import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.NamedType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.jsontype.TypeIdResolver;
import tools.jackson.databind.jsontype.impl.ClassNameIdResolver;
import tools.jackson.databind.jsontype.impl.DefaultTypeResolverBuilder;

/**
 * Default typing ({@code @class}) for non-final types and records, checked by {@link AllowedTypes}, that reads the
 * JDK's internal collection classes ({@code List.of(...)}, {@code Collections.unmodifiableMap(...)}) back as their
 * public counterparts: Jackson writes their real class names but cannot rebuild them when their elements carry type
 * ids.
 */
final class ValueTypeResolverBuilder extends DefaultTypeResolverBuilder {

	ValueTypeResolverBuilder(PolymorphicTypeValidator validator) {
		super(validator, DefaultTyping.NON_FINAL_AND_RECORDS, "@class");
	}

	@Override
	protected TypeIdResolver idResolver(DatabindContext ctxt, JavaType baseType,
			PolymorphicTypeValidator subtypeValidator, Collection<NamedType> subtypes, boolean forSer,
			boolean forDeser) {
		return new PublicCollectionIdResolver(baseType, subtypes, subtypeValidator);
	}

	private static final class PublicCollectionIdResolver extends ClassNameIdResolver {

		PublicCollectionIdResolver(JavaType baseType, Collection<NamedType> subtypes,
				PolymorphicTypeValidator validator) {
			super(baseType, subtypes, validator);
		}

		@Override
		public JavaType typeFromId(DatabindContext ctxt, String id) {
			return super.typeFromId(ctxt, publicCounterpart(id));
		}

		static String publicCounterpart(String id) {
			if (!id.startsWith("java.util.ImmutableCollections$") && !id.startsWith("java.util.Collections$")
					&& !id.equals("java.util.Arrays$ArrayList")) {
				return id;
			}
			String simple = id.substring(id.indexOf('$') + 1);
			if (simple.contains("Map")) {
				return simple.contains("Sorted") || simple.contains("Navigable") ? "java.util.TreeMap"
						: "java.util.LinkedHashMap";
			}
			if (simple.contains("Set")) {
				return simple.contains("Sorted") || simple.contains("Navigable") ? "java.util.TreeSet"
						: "java.util.LinkedHashSet";
			}
			return "java.util.ArrayList"; // List12, ListN, SubList, UnmodifiableRandomAccessList, SingletonList, ...
		}

	}

}
