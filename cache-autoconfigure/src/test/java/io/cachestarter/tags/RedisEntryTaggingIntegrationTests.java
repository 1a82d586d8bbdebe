package io.cachestarter.tags;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.EntryTagging;
import io.cachestarter.cache.EntryTagging.TaggedWrite;
import io.cachestarter.interceptor.InvocationExpressions;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.cachestarter.test.redis.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tagging protocol step by step against a real Redis, with the cache's own {@code SET} played by the test so
 * that an invalidation can be placed between any two steps.
 */
class RedisEntryTaggingIntegrationTests {

	private static final String KEY = "app:products:v1::1";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private LettuceConnectionFactory connectionFactory;

	private TagStore store;

	private RedisEntryTagging tagging;

	private RedisTagInvalidator invalidator;

	private @Nullable TagContext previous;

	@BeforeEach
	void setUp() {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = new TagStore("app:", new CacheStore(this.connectionFactory));
		FailSafeRedisGuard guard = new FailSafeRedisGuard(CacheStarterMetrics.noop());
		this.tagging = new RedisEntryTagging(this.store, guard, new InvocationExpressions(null),
				CacheStarterMetrics.noop());
		this.invalidator = new RedisTagInvalidator(this.store, guard, CacheStarterMetrics.noop());
		this.previous = TagContext.enter(new TagContext(new String[] { "a", "b" }, invocation(), Set.of()));
	}

	@AfterEach
	void tearDown() {
		TagContext.restore(this.previous);
		this.connectionFactory.destroy();
	}

	@Test
	void invalidationBetweenTheCheckAndTheWriteRemovesTheEntryAfterTheWrite() {
		this.tagging.beforeLoad();
		TaggedWrite write = this.tagging.prepare("products", KEY, "old", 60_000);
		assertThat(write.beforeWrite()).isTrue();

		assertThat(this.invalidator.invalidate("b")).as("the entry is not written yet").isZero();
		redis.commands().psetex(KEY, 60_000, "old");
		write.afterWrite();

		assertThat(redis.commands().exists(KEY)).isZero();
	}

	@Test
	void invalidationBeforeTheCheckRefusesTheWriteAndRemovesAnOlderValue() {
		redis.commands().psetex(KEY, 60_000, "older");
		this.tagging.beforeLoad();
		this.invalidator.invalidate("a");

		assertThat(this.tagging.prepare("products", KEY, "old", 60_000).beforeWrite()).isFalse();
		assertThat(redis.commands().exists(KEY)).isZero();
	}

	@Test
	void invalidationOfAnotherTagLeavesTheEntryTagged() {
		this.invalidator.invalidate("c");
		this.tagging.beforeLoad();
		this.invalidator.invalidate("d");
		TaggedWrite write = this.tagging.prepare("products", KEY, "value", 60_000);
		assertThat(write.beforeWrite()).isTrue();
		redis.commands().psetex(KEY, 60_000, "value");
		write.afterWrite();

		assertThat(redis.commands().exists(KEY)).isOne();
		assertThat(redis.commands().smembers("app:tag:a")).containsExactly(KEY);
		assertThat(redis.commands().smembers("app:tag:b")).containsExactly(KEY);
		assertThat(this.invalidator.invalidate("a", "b")).isOne();
		assertThat(redis.commands().exists(KEY, "app:tag:a", "app:tag:b")).isZero();
	}

	@Test
	void loadThatBeganBeforeTheFirstInvalidationEverCountsAsInvalidatedByIt() {
		this.tagging.beforeLoad();
		this.invalidator.invalidate("c");

		assertThat(this.tagging.prepare("products", KEY, "value", 60_000).beforeWrite()).isFalse();
	}

	@Test
	void loadThatBeganUnderAnEpochsHashThatExpiredSinceCountsAsInvalidated() {
		this.invalidator.invalidate("c");
		this.tagging.beforeLoad();
		redis.commands().del("app:tag-epochs"); // as if it expired
		this.invalidator.invalidate("d");

		assertThat(this.tagging.prepare("products", KEY, "value", 60_000).beforeWrite()).isFalse();
	}

	@Test
	void epochsHashHasATtlRefreshedByEveryInvalidation() {
		this.invalidator.invalidate("a");
		RedisCommands<String, String> commands = redis.commands();
		assertThat(commands.pttl("app:tag-epochs")).isPositive()
			.isLessThanOrEqualTo(TagStore.EPOCHS_TTL.toMillis());
		commands.pexpire("app:tag-epochs", 5_000);
		this.invalidator.invalidate("b");
		assertThat(commands.pttl("app:tag-epochs")).isGreaterThan(5_000);
		assertThat(commands.hget("app:tag-epochs", "__seq")).isEqualTo("2");
		assertThat(commands.hget("app:tag-epochs", "t:b")).isEqualTo("2");
	}

	@Test
	void tagSetTtlOnlyGrows() {
		this.store.add(KEY, List.of("a"), 30_000);
		this.store.add("app:products:v1::2", List.of("a"), 1_000);
		assertThat(redis.commands().pttl("app:tag:a")).isGreaterThan(30_000);
	}

	@Test
	void pruningLargeSetsRemovesMembersWhoseEntriesAreGoneAndKeepsLiveOnes() {
		RedisCommands<String, String> commands = redis.commands();
		for (int i = 0; i < 50; i++) {
			commands.psetex("app:live:" + i, 60_000, "x");
			this.store.add("app:live:" + i, List.of("big"), 60_000);
		}
		for (int i = 0; i < 1_200; i++) {
			this.store.add("app:gone:" + i, List.of("big"), 60_000);
		}
		assertThat(commands.scard("app:tag:big")).isLessThan(1_250);
		for (int i = 0; i < 50; i++) {
			assertThat(commands.sismember("app:tag:big", "app:live:" + i)).isTrue();
		}
	}

	private static MethodInvocation invocation() {
		Method method = Object.class.getMethods()[0];
		return new MethodInvocation() {

			@Override
			public Method getMethod() {
				return method;
			}

			@Override
			public Object[] getArguments() {
				return new Object[0];
			}

			@Override
			public @Nullable Object proceed() {
				return null;
			}

			@Override
			public Object getThis() {
				return new Object();
			}

			@Override
			public AccessibleObject getStaticPart() {
				return method;
			}

		};
	}

}
