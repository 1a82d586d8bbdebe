package io.cachestarter.benchmarks.failover;

import java.util.List;
import java.util.Locale;

/**
 * What one fault did.
 *
 * @param topology the topology's name
 * @param fault {@code kill} or {@code stop}
 * @param window the calls from the fault until caching resumed, and the failures of the run
 * @param promotedSeconds seconds from the fault until Redis promoted the replica (NaN if it did not)
 * @param resumedSeconds seconds from the fault until a put landed on the promoted replica (NaN if none did)
 * @param events breaker transitions and Lettuce's cluster topology changes, relative to the fault
 */
record Result(String topology, String fault, Load.Summary window, double promotedSeconds, double resumedSeconds,
		List<String> events) {

	static String header() {
		return String.format(Locale.ROOT, "| %-14s | %-7s | %6s | %9s | %10s | %10s | %11s | %10s | %14s |", "topology",
				"fault", "failed", "calls", "p99 ms", "max ms", "promoted s", "resumed s", "after promo s")
				+ "\n|" + "-".repeat(16) + "|" + "-".repeat(9) + "|" + "-".repeat(8) + "|" + "-".repeat(11) + "|"
				+ "-".repeat(12) + "|" + "-".repeat(12) + "|" + "-".repeat(13) + "|" + "-".repeat(12) + "|"
				+ "-".repeat(16) + "|";
	}

	String row() {
		return String.format(Locale.ROOT, "| %-14s | %-7s | %6d | %9d | %10.1f | %10.1f | %11.2f | %10.2f | %14.2f |",
				this.topology, this.fault.equals("kill") ? "kill -9" : "SIGSTOP", this.window.failed(),
				this.window.calls(), this.window.p99Millis(), this.window.maxMillis(), this.promotedSeconds,
				this.resumedSeconds, this.resumedSeconds - this.promotedSeconds);
	}

	String line() {
		return String.format(Locale.ROOT,
				"%s, %s: %d failed; %d calls from the fault until caching resumed, p99 %.1f ms, max %.1f ms; "
						+ "promoted after %.2f s, caching resumed after %.2f s (%.2f s after the promotion)",
				this.topology, this.fault.equals("kill") ? "kill -9" : "SIGSTOP", this.window.failed(),
				this.window.calls(), this.window.p99Millis(), this.window.maxMillis(), this.promotedSeconds,
				this.resumedSeconds, this.resumedSeconds - this.promotedSeconds);
	}

	String timeline() {
		return (this.events.size() > 40) ? this.events.subList(0, 40) + " ... (" + this.events.size() + " events)"
				: this.events.toString();
	}

}
