package io.cachestarter.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Matches when cache-starter will build the cache manager: it is enabled (and {@code spring.cache.type}, if set,
 * is {@code redis}), a Redis connection factory exists, and the user has not defined a {@link CacheManager} of
 * their own. Every auto-configuration that contributes to the
 * cache manager (and runs before it) carries this condition.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnCacheStarterCondition.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnMissingBean(CacheManager.class)
public @interface ConditionalOnCacheStarter {

}
