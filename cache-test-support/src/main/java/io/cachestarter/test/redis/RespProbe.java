package io.cachestarter.test.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One RESP2 command over a fresh socket with a short timeout, for readiness checks.
 *
 * <p>
 * Lettuce would retry, reconnect and queue; a probe must do none of that, and a hung (paused) server must
 * simply read as "not answering".
 */
final class RespProbe {

	private static final int TIMEOUT_MILLIS = 500;

	private RespProbe() {
	}

	static boolean answersPing(String host, int port) {
		try {
			return "PONG".equals(call(host, port, "PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Sends one command and reads its reply: a {@code String} for simple and bulk strings, a {@code Long}, a
	 * {@code List} for arrays, or {@code null}.
	 * @throws IOException on connection problems and on Redis error replies
	 */
	static @Nullable Object call(String host, int port, String... args) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(encode(args));
			out.flush();
			return read(new BufferedInputStream(socket.getInputStream()));
		}
	}

	/** Like {@link #call} but returns the reply as text, or an empty string on any failure. */
	static String text(String host, int port, String... args) {
		try {
			Object reply = call(host, port, args);
			return (reply != null) ? reply.toString() : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static byte[] encode(String... args) {
		StringBuilder command = new StringBuilder().append('*').append(args.length).append("\r\n");
		for (String arg : args) {
			command.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
		}
		return command.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable Object read(InputStream in) throws IOException {
		int type = in.read();
		String line = readLine(in);
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new IOException("Redis replied with an error: " + line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] data = in.readNBytes(length + 2);
				if (data.length < length + 2) {
					throw new EOFException("Truncated bulk string");
				}
				return new String(data, 0, length, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<@Nullable Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(read(in));
				}
				return items;
			}
			default:
				throw new IOException("Unexpected RESP type " + type);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = in.read();
			if (next == -1) {
				throw new EOFException("Connection closed");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

}
