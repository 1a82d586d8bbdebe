package io.cachestarter.matrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest ACL rule with which every capability of the starter works, as {@code docs/operations.md} gives it:
 * keys and channels under the key prefix only, every command category but {@code @dangerous}, and of those only
 * {@code INFO} (for the server gauges and the health component's memory check).
 */
final class LeastPrivilege {

	static final String USER = "shop";

	static final String PASSWORD = "s3cret-for-tests";

	/** The rule for the key prefix {@code shop:}. */
	static final String RULE = rule(Topology.APPLICATION + ":");

	private LeastPrivilege() {
	}

	/**
	 * The rule for a key prefix.
	 * @param keyPrefix the starter's key prefix, for example {@code shop:}
	 * @return the rule, without the user name, its state and its password
	 */
	static String rule(String keyPrefix) {
		return "~" + keyPrefix + "* &" + keyPrefix + "* +@all -@dangerous +info";
	}

	/**
	 * Writes an ACL file with the default user (unrestricted, for the test's assertions, replication and the cluster
	 * bus) and the user {@value #USER} limited to {@code rule}.
	 * @param dir where to write it
	 * @param rule the rule of {@value #USER}
	 * @return the file
	 */
	static Path aclFile(Path dir, String rule) {
		try {
			return Files.writeString(Files.createTempFile(dir, "users-", ".acl"),
					"user default on nopass ~* &* +@all\nuser " + USER + " on >" + PASSWORD + " " + rule + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
