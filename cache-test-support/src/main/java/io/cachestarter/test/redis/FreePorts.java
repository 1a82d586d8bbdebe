package io.cachestarter.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks loopback ports the kernel considers free right now; callers retry when another process wins the race.
 */
final class FreePorts {

	/** Redis Cluster listens on its bus port at {@code port + 10000} unless told otherwise. */
	private static final int CLUSTER_BUS_OFFSET = 10000;

	private FreePorts() {
	}

	static int next() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free loopback port", ex);
		}
	}

	/**
	 * A free port whose cluster bus port is free too; works with every Redis version, unlike
	 * {@code cluster-port}, which needs Redis 7.
	 */
	static int nextWithClusterBus() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = next();
			if (port + CLUSTER_BUS_OFFSET <= 65535 && isFree(port + CLUSTER_BUS_OFFSET)) {
				return port;
			}
		}
		throw new IllegalStateException("No free loopback port pair (port, port + 10000) for a cluster node");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
