package io.cachestarter.test.redis;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

/**
 * Lettuce settings shared by every client this module creates: one small set of event loops per JVM, and
 * reconnects every 100 ms so a restarted server is usable at once (Lettuce's default backoff grows to 30 s).
 */
final class TestClientResources {

	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration RECONNECT_DELAY = Duration.ofMillis(100);

	private TestClientResources() {
	}

	/** Created on first use; its event-loop threads are daemons, so it never holds the JVM open. */
	static ClientResources get() {
		return Holder.RESOURCES;
	}

	/** Fail fast while disconnected instead of queueing until the 2 s timeout: fault tests want the error. */
	static ClientOptions clientOptions() {
		return ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
			.build();
	}

	private static final class Holder {

		static final ClientResources RESOURCES = ClientResources.builder()
			.ioThreadPoolSize(2)
			.computationThreadPoolSize(2)
			.reconnectDelay(Delay.constant(RECONNECT_DELAY))
			.build();

	}

}
