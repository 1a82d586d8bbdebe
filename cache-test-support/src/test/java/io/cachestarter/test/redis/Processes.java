package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions about operating-system processes, polled with a deadline since exits are asynchronous. */
final class Processes {

	private Processes() {
	}

	static void assertAllGone(List<ProcessHandle> handles) {
		assertThat(handles).isNotEmpty();
		boolean gone = Poll.await(Duration.ofSeconds(10), () -> handles.stream().noneMatch(ProcessHandle::isAlive));
		assertThat(gone).as("processes %s are gone", handles).isTrue();
	}

	/** Redis processes of this JVM, which should exist only while a test holds a server open. */
	static List<ProcessHandle> redisDescendants() {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter((handle) -> handle.info().command().orElse("").contains("redis-"))
			.toList();
	}

}
