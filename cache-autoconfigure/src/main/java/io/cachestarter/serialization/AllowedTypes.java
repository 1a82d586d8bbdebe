package io.cachestarter.serialization;

import java.util.List;
import java.util.Set;

import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Decides which class names cached JSON may turn into: classes in the configured packages and a fixed set of JDK
 * value and collection types. Decided on the name, before any class is loaded, so a forged type is never loaded
 * nor instantiated.
 */
public final class AllowedTypes extends PolymorphicTypeValidator.Base {

	private static final Set<String> JDK_TYPES = Set.of("java.lang.String", "java.lang.Boolean", "java.lang.Byte",
			"java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
			"java.lang.Character", "java.lang.Object", "java.math.BigDecimal", "java.math.BigInteger",
			"java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
			"java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
			"java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.util.Optional",
			"java.util.EnumMap", "java.util.EnumSet", "java.util.Arrays$ArrayList");

	private static final List<String> JDK_PREFIXES = List.of("java.time.", "java.util.ImmutableCollections$",
			"java.util.Collections$Unmodifiable", "java.util.Collections$Empty", "java.util.Collections$Singleton",
			"java.util.Collections$Synchronized");

	private final List<String> packagePrefixes;

	/**
	 * Creates the allow-list.
	 * @param packages the application packages whose classes (and sub-packages') may be read
	 */
	public AllowedTypes(List<String> packages) {
		this.packagePrefixes = packages.stream().map((name) -> name.endsWith(".") ? name : name + ".").toList();
	}

	/**
	 * Returns whether a class of this name may be read from the cache.
	 * @param className a binary class name; array names ({@code [L...;}) are judged by their element type
	 * @return {@code true} if allowed
	 */
	public boolean isAllowed(String className) {
		String name = elementName(className);
		if (name.length() == 1) {
			return true; // primitive array element such as "I" or "J"
		}
		if (JDK_TYPES.contains(name)) {
			return true;
		}
		for (String prefix : JDK_PREFIXES) {
			if (name.startsWith(prefix)) {
				return name.indexOf('.', prefix.length()) < 0; // the package itself, not its sub-packages
			}
		}
		for (String prefix : this.packagePrefixes) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static String elementName(String className) {
		String name = className;
		while (name.startsWith("[")) {
			name = name.substring(1);
		}
		if (name.startsWith("L") && name.endsWith(";")) {
			name = name.substring(1, name.length() - 1);
		}
		return name;
	}

	@Override
	public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
		return Validity.INDETERMINATE;
	}

	@Override
	public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
		return isAllowed(subClassName) ? Validity.ALLOWED : Validity.DENIED;
	}

	@Override
	public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
		return isAllowed(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
	}

}
