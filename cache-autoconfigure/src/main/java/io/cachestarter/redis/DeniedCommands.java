package io.cachestarter.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The commands Redis denied to the starter's user ({@code NOPERM}, an ACL that does not grant them), and what each
 * denial costs. A capability that can do without a command (the server gauges without {@code INFO}) records the
 * denial here instead of failing: it is logged once per command (as a warning; what else is lost later at debug
 * level), and the {@code cacheStarter} health component lists every consequence under {@code warnings} for as long
 * as the application runs.
 */
public final class DeniedCommands {

	private static final Log logger = LogFactory.getLog(DeniedCommands.class);

	private final Map<String, Set<String>> consequences = new ConcurrentSkipListMap<>();

	/**
	 * Returns whether a failure is Redis refusing a command to this user (an ACL {@code NOPERM} error), anywhere in
	 * its cause chain.
	 * @param failure what a Redis call threw
	 * @return {@code true} for a permission denial
	 */
	public static boolean isDenial(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains("NOPERM")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * Records that Redis denied a command, and what the starter does without it; logs a warning the first time the
	 * command is denied.
	 * @param command the command, for example {@code INFO}
	 * @param consequence what is lost, for example {@code "the cache.starter.redis.* gauges are off"}
	 */
	public void record(String command, String consequence) {
		String name = command.toUpperCase(Locale.ROOT);
		Set<String> fresh = ConcurrentHashMap.newKeySet();
		Set<String> existing = this.consequences.putIfAbsent(name, fresh);
		boolean first = existing == null;
		Set<String> lost = first ? fresh : existing;
		if (!lost.add(consequence)) {
			return;
		}
		if (first) {
			logger.warn("Redis denies " + name + " to this user (NOPERM): " + consequence + "; everything else keeps "
					+ "working. Grant +" + name.toLowerCase(Locale.ROOT)
					+ " to the user to restore it (docs/operations.md gives the ACL rule)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Without " + name + " also " + consequence);
		}
	}

	/**
	 * Returns one warning per denied command, naming what is lost.
	 * @return the warnings, ordered by command
	 */
	public List<String> warnings() {
		List<String> warnings = new ArrayList<>();
		this.consequences.forEach((command, lost) -> warnings.add("Redis denies " + command + " to this user: "
				+ String.join("; ", new TreeSet<>(lost)) + " (grant +" + command.toLowerCase(Locale.ROOT)
				+ ")"));
		return warnings;
	}

}
