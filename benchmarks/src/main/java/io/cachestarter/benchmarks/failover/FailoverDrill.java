package io.cachestarter.benchmarks.failover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.resource.ClientResources;
import reactor.core.Disposable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Failover drill for the table in {@code docs/BENCHMARKS.md}: a Spring Boot application with a {@code @Cacheable}
 * service under load from several threads, on a Redis Cluster of 3 primaries and 3 replicas and on a Sentinel group
 * of 1 master, 1 replica and 3 sentinels; a primary is killed with {@code kill -9} or frozen with {@code SIGSTOP}
 * and left so, while the replica takes over.
 * <p>
 * For each topology and fault it prints: calls that failed (an exception or a wrong value), p99 and maximum call
 * latency from the fault until caching resumed, the seconds from the fault until Redis promoted the replica (the
 * replica says {@code role:master}, polled every 20 ms), and until caching resumed on it (a put of a new key lands
 * on the promoted node, read there directly), without restarting the application. After each round the old primary
 * is brought back as a replica.
 * <p>
 * Run from the repository root: {@code ./mvnw -o -q -pl benchmarks -am package -DskipTests} then
 * {@code java -Xmx512m -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.failover.FailoverDrill
 * [rounds] [cluster|sentinel ...] [kill|stop ...] [property=value ...]}; properties are passed to the
 * application (for example {@code spring.data.redis.lettuce.cluster.refresh.period=30s}).
 */
public final class FailoverDrill {

	static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	static final int THREADS = 4;

	static final int KEYS = 10_000;

	private static final Duration WARM_UP = Duration.ofSeconds(3);

	private static final Duration RESUME_DEADLINE = Duration.ofSeconds(60);

	private FailoverDrill() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = 3;
		List<String> topologies = new ArrayList<>();
		List<String> faults = new ArrayList<>();
		Map<String, String> properties = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg.matches("\\d+")) {
				rounds = Integer.parseInt(arg);
			}
			else if (arg.equals("cluster") || arg.equals("sentinel")) {
				topologies.add(arg);
			}
			else if (arg.equals("kill") || arg.equals("stop")) {
				faults.add(arg);
			}
			else if (arg.contains("=")) {
				properties.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
			else {
				throw new IllegalArgumentException("Unknown argument " + arg);
			}
		}
		if (topologies.isEmpty()) {
			topologies = List.of("cluster", "sentinel");
		}
		if (faults.isEmpty()) {
			faults = List.of("kill", "stop");
		}
		System.out.println(environment());
		System.out.printf("%d threads over %d keys, database ~1 ms, command timeout %d ms, %d round(s), extra properties %s%n%n",
				THREADS, KEYS, COMMAND_TIMEOUT.toMillis(), rounds, properties);
		List<Result> results = new ArrayList<>();
		for (String topology : topologies) {
			try (Topology target = topology.equals("cluster") ? new ClusterTopology() : new SentinelTopology()) {
				System.out.println(target.describe());
				try (ConfigurableApplicationContext context = application(target, properties)) {
					DrillCatalog catalog = context.getBean(DrillCatalog.class);
					CircuitBreaker breaker = context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker();
					for (int round = 1; round <= rounds; round++) {
						for (String fault : faults) {
							Result result = drill(target, fault, catalog, breaker, context.getBean(ClientResources.class));
							results.add(result);
							System.out.println(result.line());
							System.out.println("    " + result.timeline());
						}
					}
				}
			}
		}
		System.out.println();
		System.out.println(Result.header());
		results.forEach((result) -> System.out.println(result.row()));
	}

	private static ConfigurableApplicationContext application(Topology target, Map<String, String> extra) {
		List<String> properties = new ArrayList<>(target.properties());
		properties.addAll(List.of("spring.application.name=drill",
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
				"logging.level.root=WARN", "logging.level.io.lettuce=ERROR", "logging.level.io.cachestarter=ERROR",
				"spring.main.banner-mode=off"));
		extra.forEach((key, value) -> properties.add(key + "=" + value));
		return new SpringApplicationBuilder(DrillApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	private static Result drill(Topology target, String fault, DrillCatalog catalog, CircuitBreaker breaker,
			ClientResources resources) {
		awaitCachingEverywhere(target, catalog, breaker);
		Load load = new Load(catalog);
		load.start();
		LockSupport.parkNanos(WARM_UP.toNanos());
		Fault victim = target.prepareFault();
		victim.standby().commands().ping(); // connect before the fault: the probe reads it directly
		List<String> timeline = new CopyOnWriteArrayList<>();
		AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);
		breaker.getEventPublisher().onStateTransition((event) -> timeline.add(String.format(Locale.ROOT, "%+.2fs %s",
				(System.nanoTime() - faultAt.get()) / 1e9, event.getStateTransition())));
		Disposable events = resources.eventBus().get().subscribe((event) -> {
			if (event instanceof ClusterTopologyChangedEvent) {
				timeline.add(String.format(Locale.ROOT, "%+.2fs %s", (System.nanoTime() - faultAt.get()) / 1e9,
						event.getClass().getSimpleName()));
			}
		});
		long start = System.nanoTime();
		faultAt.set(start);
		load.markFault(start);
		if (fault.equals("kill")) {
			victim.server().kill();
		}
		else {
			victim.server().pause();
		}
		Probe probe = new Probe(victim, catalog);
		probe.start();
		long promotedAt;
		try {
			target.awaitPromotion(victim, RESUME_DEADLINE);
			promotedAt = System.nanoTime();
		}
		catch (IllegalStateException ex) {
			promotedAt = -1;
		}
		long resumedAt = probe.awaitResumed(start + RESUME_DEADLINE.toNanos());
		load.stop();
		events.dispose();
		Load.Summary window = load.summary(start, (resumedAt > 0) ? resumedAt : System.nanoTime());
		window = new Load.Summary(window.calls(), window.failed() + probe.failed(), window.p99Millis(),
				window.maxMillis());
		Result result = new Result(target.name(), fault, window,
				(promotedAt > 0) ? (promotedAt - start) / 1e9 : Double.NaN,
				(resumedAt > 0) ? (resumedAt - start) / 1e9 : Double.NaN, new ArrayList<>(timeline));
		target.recover(victim);
		return result;
	}

	/** A new key written through the cache lands on its master, and the breaker is closed. */
	private static void awaitCachingEverywhere(Topology target, DrillCatalog catalog, CircuitBreaker breaker) {
		long deadline = System.nanoTime() + RESUME_DEADLINE.toNanos();
		long id = FreshIds.block();
		while (System.nanoTime() < deadline) {
			id++;
			catalog.find(id);
			if (breaker.getState() == State.CLOSED && target.isCached(DrillCatalog.key(id))) {
				return;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
		throw new IllegalStateException("Caching did not work within " + RESUME_DEADLINE);
	}

	private static String environment() throws Exception {
		String cpu = Files.readAllLines(Path.of("/proc/cpuinfo"))
			.stream()
			.filter((line) -> line.startsWith("model name"))
			.findFirst()
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.orElse("?");
		String load = Files.readString(Path.of("/proc/loadavg")).trim();
		return String.format("machine: %s, %d CPUs, load average %s, Java %s, max heap %d MB", cpu,
				Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.version"),
				Runtime.getRuntime().maxMemory() / (1024 * 1024));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	static class DrillApplication {

		@Bean
		DrillCatalog drillCatalog() {
			return new DrillCatalog();
		}

	}

}
