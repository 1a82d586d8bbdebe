package io.cachestarter.benchmarks.tags;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import io.cachestarter.CacheTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.WriteThrough;
import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Driver for the numbers in {@code docs/tags-and-write-through.md}, against a redis-server of its own (or a
 * three-master cluster):
 * <ol>
 * <li>Redis memory per tagged entry: {@code MEMORY USAGE} of the tag sets divided by their members, for one set of
 * all entries, 100 sets of 1% each and one set per entry;</li>
 * <li>time and Redis commands to invalidate a tag of N entries (commands counted with {@code MONITOR} in a separate
 * pass, client round trips apart from the commands run inside scripts);</li>
 * <li>cost per write of {@code @WriteThrough} (versioned and plain, with and without {@code @CacheTags}) against a
 * plain {@code @CachePut}, single-threaded, interleaved rounds in one run.</li>
 * </ol>
 * Run from the repository root: {@code mvn -o -q -B -pl benchmarks -am package -DskipTests} then
 * {@code java -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.tags.TagsBenchmark [entries=10000]
 * [writes=20000] [rounds=5] [topology=standalone|cluster]}.
 */
public final class TagsBenchmark {

	private static final String PREFIX = "bench:";

	private TagsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int entries = Integer.parseInt(options.getOrDefault("entries", "10000"));
		int writes = Integer.parseInt(options.getOrDefault("writes", "20000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
		boolean cluster = "cluster".equals(options.getOrDefault("topology", "standalone"));
		System.out.println(environment());
		if (cluster) {
			try (RedisClusterGroup group = RedisClusterGroup.start(3)) {
				run(group.servers(), "spring.data.redis.cluster.nodes=" + String.join(",", group.nodes()), entries,
						writes, rounds);
			}
		}
		else {
			try (RedisServer redis = RedisServer.start()) {
				run(List.of(redis), "spring.data.redis.url=" + redis.uri(), entries, writes, rounds);
			}
		}
	}

	private static void run(List<RedisServer> servers, String connection, int entries, int writes, int rounds)
			throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties(connection, "spring.application.name=bench",
					"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.defaults.ttl=1h",
					"logging.level.root=WARN", "spring.main.banner-mode=off")
			.run()) {
			Catalog catalog = context.getBean(Catalog.class);
			TagInvalidator invalidator = context.getBean(TagInvalidator.class);
			Nodes nodes = new Nodes(servers);
			System.out.printf("redis-server %s, %d node(s)%n%n", nodes.version(), servers.size());
			memory(catalog, nodes, entries);
			invalidation(catalog, invalidator, nodes, entries, rounds);
			writeCost(catalog, nodes, writes, rounds);
		}
	}

	private static void memory(Catalog catalog, Nodes nodes, int entries) {
		nodes.flushAll();
		for (long id = 0; id < entries; id++) {
			catalog.find(id);
		}
		long all = nodes.memoryUsage(PREFIX + "tag:catalog");
		long categories = 0;
		for (int category = 0; category < 100; category++) {
			categories += nodes.memoryUsage(PREFIX + "tag:category:" + category);
		}
		long singles = 0;
		for (long id = 0; id < entries; id++) {
			singles += nodes.memoryUsage(PREFIX + "tag:product:" + id);
		}
		long entryBytes = 0;
		for (long id = 0; id < entries; id += 10) {
			entryBytes += nodes.memoryUsage(PREFIX + "products:v1::" + id);
		}
		System.out.printf("== Memory per tagged entry (%d entries, each in 3 tags; MEMORY USAGE ... SAMPLES 0)%n",
				entries);
		System.out.printf("one set of all %d entries      : %6.1f bytes per member (set %d bytes)%n", entries,
				(double) all / entries, all);
		System.out.printf("100 sets of %d entries each     : %6.1f bytes per member%n", entries / 100,
				(double) categories / entries);
		System.out.printf("one set per entry              : %6.1f bytes per member%n", (double) singles / entries);
		System.out.printf("the entry itself (for scale)   : %6.1f bytes (key %d bytes)%n%n",
				(double) entryBytes / (entries / 10), (PREFIX + "products:v1::" + (entries / 2)).length());
	}

	private static void invalidation(Catalog catalog, TagInvalidator invalidator, Nodes nodes, int entries,
			int rounds) throws Exception {
		System.out.printf("== Invalidating one tag of %d entries (others untouched: %d entries of another tag)%n",
				entries, entries / 10);
		long[] millis = new long[rounds];
		for (int round = 0; round < rounds; round++) {
			populate(catalog, nodes, entries);
			long start = System.nanoTime();
			long removed = invalidator.invalidate("catalog");
			millis[round] = (System.nanoTime() - start) / 1_000;
			check(removed == entries, "removed " + removed);
			check(nodes.exists(PREFIX + "tag:catalog") == 0, "set left");
		}
		Arrays.sort(millis);
		System.out.printf("time: median %.1f ms, min %.1f ms, max %.1f ms over %d rounds%n", millis[rounds / 2] / 1e3,
				millis[0] / 1e3, millis[rounds - 1] / 1e3, rounds);
		populate(catalog, nodes, entries);
		try (Monitors monitors = nodes.monitor()) {
			invalidator.invalidate("catalog");
			monitors.drain();
			System.out.printf("commands: %d sent by the client %s, plus %d run inside scripts %s%n%n",
					total(monitors.clientCommands()), monitors.clientCommands(), total(monitors.scriptCommands()),
					monitors.scriptCommands());
		}
	}

	private static void populate(Catalog catalog, Nodes nodes, int entries) {
		nodes.flushAll();
		for (long id = 0; id < entries; id++) {
			catalog.listed(id);
		}
		for (long id = 0; id < entries / 10; id++) {
			catalog.listedElsewhere(id);
		}
	}

	private static void writeCost(Catalog catalog, Nodes nodes, int writes, int rounds) throws Exception {
		Map<String, LongConsumer> variants = new LinkedHashMap<>();
		variants.put("@CachePut", (i) -> catalog.put(product(i)));
		variants.put("@WriteThrough (plain)", (i) -> catalog.writeThrough(product(i)));
		variants.put("@WriteThrough (version)", (i) -> catalog.writeThroughVersioned(product(i)));
		variants.put("@CachePut + @CacheTags", (i) -> catalog.putTagged(product(i)));
		variants.put("@WriteThrough (version) + @CacheTags", (i) -> catalog.writeThroughTagged(product(i)));
		nodes.flushAll();
		Map<String, List<Long>> nanos = new LinkedHashMap<>();
		variants.forEach((name, write) -> {
			nanos.put(name, new ArrayList<>());
			for (long i = 0; i < 5_000; i++) {
				write.accept(i); // warm-up
			}
		});
		int perRound = writes / rounds;
		long sequence = 1_000_000;
		for (int round = 0; round < rounds; round++) {
			for (Map.Entry<String, LongConsumer> variant : variants.entrySet()) {
				List<Long> samples = nanos.get(variant.getKey());
				for (int i = 0; i < perRound; i++) {
					long start = System.nanoTime();
					variant.getValue().accept(sequence++);
					samples.add(System.nanoTime() - start);
				}
			}
		}
		Map<String, Double> commands = new LinkedHashMap<>();
		try (Monitors monitors = nodes.monitor()) {
			for (Map.Entry<String, LongConsumer> variant : variants.entrySet()) {
				monitors.reset();
				for (int i = 0; i < 200; i++) {
					variant.getValue().accept(sequence++);
				}
				monitors.drain();
				commands.put(variant.getKey(), total(monitors.clientCommands()) / 200.0);
			}
		}
		System.out.printf("== Cost per write, one thread, %d writes per variant in %d interleaved rounds, 1,000 keys%n",
				perRound * rounds, rounds);
		System.out.printf("%-38s %9s %9s %9s %12s%n", "variant", "mean µs", "p50 µs", "p99 µs", "commands");
		nanos.forEach((name, samples) -> {
			long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
			double mean = Arrays.stream(sorted).average().orElse(0);
			System.out.printf("%-38s %9.1f %9.1f %9.1f %12.1f%n", name, mean / 1e3, sorted[sorted.length / 2] / 1e3,
					sorted[(int) (sorted.length * 0.99)] / 1e3, commands.get(name));
		});
	}

	private static Item product(long sequence) {
		return new Item(sequence % 1_000, "item " + sequence, "c" + (sequence % 100), sequence);
	}

	private static long total(Map<String, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		return options;
	}

	private static String environment() throws IOException {
		String cpu = Files.lines(Path.of("/proc/cpuinfo"))
			.filter((line) -> line.startsWith("model name"))
			.findFirst()
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.orElse("?");
		return String.format("%s, %d cores, load average %.1f, Java %s, %s %s", cpu,
				Runtime.getRuntime().availableProcessors(),
				ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"),
				System.getProperty("os.name"), System.getProperty("os.version"));
	}

	/** The value cached by the benchmark. */
	public record Item(long id, String name, String category, long version) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	static class BenchmarkApplication {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	static class Catalog {

		@Cacheable("products")
		@CacheTags({ "catalog", "category:#{#id % 100}", "product:#{#id}" })
		public Item find(long id) {
			return new Item(id, "item " + id, "c" + (id % 100), 1);
		}

		@Cacheable("listed")
		@CacheTags("catalog")
		public Item listed(long id) {
			return new Item(id, "item " + id, "c" + (id % 100), 1);
		}

		@Cacheable("elsewhere")
		@CacheTags("other")
		public Item listedElsewhere(long id) {
			return new Item(id, "item " + id, "c" + (id % 100), 1);
		}

		@CachePut(cacheNames = "put", key = "#item.id")
		public Item put(Item item) {
			return item;
		}

		@WriteThrough(cache = "plain", key = "#item.id")
		public Item writeThrough(Item item) {
			return item;
		}

		@WriteThrough(cache = "versioned", key = "#result.id", version = "#result.version")
		public Item writeThroughVersioned(Item item) {
			return item;
		}

		@CachePut(cacheNames = "putTagged", key = "#item.id")
		@CacheTags("category:#{#item.category}")
		public Item putTagged(Item item) {
			return item;
		}

		@WriteThrough(cache = "versionedTagged", key = "#result.id", version = "#result.version")
		@CacheTags("category:#{#result.category}")
		public Item writeThroughTagged(Item item) {
			return item;
		}

	}

	/** The Redis nodes, standalone or cluster: commands that must reach the key's owner. */
	private static final class Nodes {

		private final List<RedisServer> servers;

		Nodes(List<RedisServer> servers) {
			this.servers = servers;
		}

		String version() {
			return this.servers.get(0)
				.commands()
				.info("server")
				.lines()
				.filter((line) -> line.startsWith("redis_version:"))
				.findFirst()
				.map((line) -> line.substring("redis_version:".length()))
				.orElse("?");
		}

		void flushAll() {
			this.servers.forEach((server) -> server.commands().flushall());
		}

		long memoryUsage(String key) {
			for (RedisServer server : this.servers) {
				RedisCommands<String, String> commands = server.commands();
				if (owns(commands, key)) {
					Object usage = commands.dispatch(io.lettuce.core.protocol.CommandType.MEMORY,
							new io.lettuce.core.output.IntegerOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
							new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
								.add("USAGE")
								.addKey(key)
								.add("SAMPLES")
								.add(0));
					return (usage != null) ? (Long) usage : 0;
				}
			}
			return 0;
		}

		long exists(String key) {
			long found = 0;
			for (RedisServer server : this.servers) {
				if (owns(server.commands(), key)) {
					found += server.commands().exists(key);
				}
			}
			return found;
		}

		private boolean owns(RedisCommands<String, String> commands, String key) {
			if (this.servers.size() == 1) {
				return true;
			}
			Long slot = commands.clusterKeyslot(key);
			return commands.clusterNodes()
				.lines()
				.filter((line) -> line.contains("myself"))
				.flatMap((line) -> Arrays.stream(line.split(" ")).skip(8))
				.anyMatch((range) -> {
					String[] bounds = range.split("-");
					long from = Long.parseLong(bounds[0]);
					long to = (bounds.length > 1) ? Long.parseLong(bounds[1]) : from;
					return slot >= from && slot <= to;
				});
		}

		Monitors monitor() {
			return new Monitors(this.servers);
		}

	}

	/** {@code MONITOR} on every node. */
	private static final class Monitors implements AutoCloseable {

		private final List<RedisServer> servers;

		private final List<RedisMonitor> monitors = new ArrayList<>();

		Monitors(List<RedisServer> servers) {
			this.servers = servers;
			servers.forEach((server) -> this.monitors.add(new RedisMonitor(server.host(), server.port())));
		}

		void drain() throws InterruptedException {
			for (int i = 0; i < this.servers.size(); i++) {
				RedisCommands<String, String> commands = this.servers.get(i).commands();
				this.monitors.get(i).drain(commands::echo);
			}
		}

		void reset() throws InterruptedException {
			drain();
			this.monitors.forEach(RedisMonitor::reset);
		}

		Map<String, Long> clientCommands() {
			return merge(this.monitors.stream().map(RedisMonitor::clientCommands).toList());
		}

		Map<String, Long> scriptCommands() {
			return merge(this.monitors.stream().map(RedisMonitor::scriptCommands).toList());
		}

		private static Map<String, Long> merge(List<Map<String, Long>> counts) {
			Map<String, Long> merged = new java.util.TreeMap<>();
			counts.forEach((count) -> count.forEach((command, calls) -> merged.merge(command, calls, Long::sum)));
			return merged;
		}

		@Override
		public void close() throws IOException {
			for (RedisMonitor monitor : this.monitors) {
				monitor.close();
			}
		}

	}

}
