package io.cachestarter.health;

/**
 * Holds the bean name {@code redisHealthContributor} while cache-starter reports Redis health, so that Spring
 * Boot's own {@code redis} health contributors (blocking and reactive), which back off when a bean of that name
 * exists, are not registered: they report {@code DOWN} during a Redis outage and would take a healthy instance out
 * of its load balancer, although the cache falls back to the database. It is not a health contributor itself.
 * <p>
 * It is only registered when the application defines no {@code redisHealthIndicator} or
 * {@code redisHealthContributor} bean of its own; such a bean is kept and reported as {@code redis}.
 */
public final class RedisHealthContributorPlaceholder {

	/** The bean name Spring Boot's Redis health auto-configurations back off for. */
	public static final String BEAN_NAME = "redisHealthContributor";

	@Override
	public String toString() {
		return "Redis health is reported by the 'cacheStarter' health component";
	}

}
