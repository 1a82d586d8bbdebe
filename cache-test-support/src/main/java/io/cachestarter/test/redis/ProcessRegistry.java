package io.cachestarter.test.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every local redis-server this JVM started and has not closed yet, killed by a shutdown hook so a test run
 * that forgets {@code close()} (or is interrupted) leaves nothing behind. A JVM killed hard is covered by each
 * process's watchdog instead.
 */
final class ProcessRegistry {

	private static final Set<LocalRedisProcess> live = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::destroyAll, "redis-test-cleanup"));
	}

	private ProcessRegistry() {
	}

	static void register(LocalRedisProcess process) {
		live.add(process);
	}

	static void unregister(LocalRedisProcess process) {
		live.remove(process);
	}

	private static void destroyAll() {
		for (LocalRedisProcess process : live) {
			process.destroyNow();
		}
		live.clear();
	}

}
