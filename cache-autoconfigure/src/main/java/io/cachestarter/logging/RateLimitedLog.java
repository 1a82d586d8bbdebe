package io.cachestarter.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs a warning at most once per interval and topic, so that a Redis outage at thousands of calls a second writes
 * a few lines, not millions. Messages are built only when written.
 */
public final class RateLimitedLog {

	private final Log log;

	private final long intervalNanos;

	private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

	public RateLimitedLog(Class<?> owner, Duration interval) {
		this.log = LogFactory.getLog(owner);
		this.intervalNanos = interval.toNanos();
	}

	/**
	 * Logs a warning unless one of this topic was logged within the interval.
	 * @param topic what the warning is about, for example {@code "deserialization:products"}
	 * @param message builds the message
	 * @param cause the exception, if any (logged at debug level with its stack trace)
	 */
	public void warn(String topic, Supplier<String> message, @Nullable Throwable cause) {
		if (!this.log.isWarnEnabled()) {
			return;
		}
		Window window = this.windows.computeIfAbsent(topic, (key) -> new Window());
		long now = System.nanoTime();
		long last = window.lastLogged.get();
		if (last != 0 && now - last < this.intervalNanos) {
			window.suppressed.incrementAndGet();
			return;
		}
		if (!window.lastLogged.compareAndSet(last, now)) {
			window.suppressed.incrementAndGet();
			return;
		}
		long suppressed = window.suppressed.getAndSet(0);
		String text = message.get() + ((cause != null) ? ": " + cause : "")
				+ ((suppressed > 0) ? " (" + suppressed + " similar messages suppressed)" : "");
		if (this.log.isDebugEnabled() && cause != null) {
			this.log.warn(text, cause);
		}
		else {
			this.log.warn(text);
		}
	}

	private static final class Window {

		final AtomicLong lastLogged = new AtomicLong();

		final AtomicLong suppressed = new AtomicLong();

	}

}
