package io.cachestarter.test.redis;

import java.util.List;

/**
 * How one Redis server is run: a local process, a container or an external server. {@link RedisServer} is the
 * public face; implementations only start, stop and break the server.
 */
interface ServerControl {

	String host();

	int port();

	String uri();

	boolean supportsFaults();

	void kill();

	void pause();

	void resume();

	void restart();

	/** Brings a killed or paused server back, so the next test starts from a running one. */
	void recover();

	/** Stops the server for good; idempotent. */
	void close();

	/** The operating-system processes behind this server, for tests that prove they are gone. */
	default List<ProcessHandle> processes() {
		return List.of();
	}

}
