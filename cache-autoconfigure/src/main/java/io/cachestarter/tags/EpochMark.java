package io.cachestarter.tags;

import org.jspecify.annotations.Nullable;

/**
 * A point in the sequence of tag invalidations: which incarnation of the epochs hash was current, and its sequence
 * number then. An entry whose load began at a mark must not be served if one of its tags was invalidated after it.
 *
 * @param incarnation the id of the epochs hash, or {@code null} when it did not exist (nothing invalidated yet)
 * @param seq the invalidation sequence number
 */
record EpochMark(@Nullable String incarnation, long seq) {

	/** The mark could not be read: every later check treats the entry as invalidated. */
	static final EpochMark UNKNOWN = new EpochMark("?", Long.MAX_VALUE);

}
