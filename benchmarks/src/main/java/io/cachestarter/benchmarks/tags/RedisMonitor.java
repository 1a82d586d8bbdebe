package io.cachestarter.benchmarks.tags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the commands a Redis server executes, through {@code MONITOR} on a raw socket: commands sent by clients
 * (round trips) apart from commands that scripts run ({@code [0 lua]} in the monitor output). Only for counting:
 * {@code MONITOR} slows the server, so timings are taken without it.
 */
final class RedisMonitor implements AutoCloseable {

	private final Socket socket;

	private final Map<String, AtomicLong> clientCommands = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> scriptCommands = new ConcurrentHashMap<>();

	private final Thread reader;

	private volatile String marker = "";

	private volatile boolean markerSeen;

	RedisMonitor(String host, int port) {
		try {
			this.socket = new Socket(host, port);
			OutputStream out = this.socket.getOutputStream();
			out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
			String ok = in.readLine();
			if (!"+OK".equals(ok)) {
				throw new IllegalStateException("MONITOR answered " + ok);
			}
			this.reader = new Thread(() -> read(in), "redis-monitor-" + port);
			this.reader.setDaemon(true);
			this.reader.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void read(BufferedReader in) {
		try {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				int bracket = line.indexOf("] \"");
				if (bracket < 0) {
					continue;
				}
				int start = bracket + 3;
				String command = line.substring(start, line.indexOf('"', start)).toUpperCase();
				if (line.contains(this.marker) && !this.marker.isEmpty()) {
					this.markerSeen = true;
					continue;
				}
				boolean script = line.substring(0, bracket).endsWith(" lua");
				(script ? this.scriptCommands : this.clientCommands).computeIfAbsent(command, (key) -> new AtomicLong())
					.incrementAndGet();
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	/**
	 * Waits until every command sent before this call has been seen, by sending a marker command and waiting for
	 * it.
	 * @param sync sends {@code ECHO <marker>} on a normal connection
	 */
	void drain(java.util.function.Consumer<String> sync) throws InterruptedException {
		String marker = "monitor-marker-" + System.nanoTime();
		this.markerSeen = false;
		this.marker = marker;
		sync.accept(marker);
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (!this.markerSeen && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
	}

	void reset() {
		this.clientCommands.clear();
		this.scriptCommands.clear();
	}

	Map<String, Long> clientCommands() {
		return snapshot(this.clientCommands);
	}

	Map<String, Long> scriptCommands() {
		return snapshot(this.scriptCommands);
	}

	private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
		Map<String, Long> snapshot = new TreeMap<>();
		counts.forEach((command, count) -> snapshot.put(command, count.get()));
		return snapshot;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
