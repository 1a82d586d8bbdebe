package io.cachestarter.serialization;

/**
 * Thrown when cached bytes cannot be turned back into a value: corrupt bytes, an unknown format, a class that
 * changed shape, or a type outside the allowed packages. The cache treats it as a miss.
 */
public class UnreadableValueException extends RuntimeException {

	public UnreadableValueException(String message) {
		super(message);
	}

	public UnreadableValueException(String message, Throwable cause) {
		super(message, cause);
	}

}
