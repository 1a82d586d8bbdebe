package io.cachestarter.redis;

import io.lettuce.core.RedisCommandTimeoutException;

import org.springframework.dao.QueryTimeoutException;

/**
 * Why a Redis call fell back, as the {@code reason} tag of {@code cache.starter.fallbacks}.
 */
public enum FailureReason {

	/** Redis answered with an error, refused the connection, or the connection failed. */
	ERROR("error"),
	/** Redis did not answer within the command timeout. */
	TIMEOUT("timeout"),
	/** The circuit breaker is open: Redis was not contacted. */
	CIRCUIT_OPEN("circuit_open");

	private final String tagValue;

	FailureReason(String tagValue) {
		this.tagValue = tagValue;
	}

	public String tagValue() {
		return this.tagValue;
	}

	/**
	 * Classifies a failed Redis call.
	 * @param failure what the call threw
	 * @return {@link #TIMEOUT} for timeouts anywhere in the cause chain, else {@link #ERROR}
	 */
	public static FailureReason of(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof QueryTimeoutException || t instanceof RedisCommandTimeoutException
					|| t instanceof java.util.concurrent.TimeoutException) {
				return TIMEOUT;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return ERROR;
	}

}
