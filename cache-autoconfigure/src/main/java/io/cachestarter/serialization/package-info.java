/**
 * Safe serialization of cached values: a versioned envelope around JSON that only turns into allowed types.
 */
@NullMarked
package io.cachestarter.serialization;

import org.jspecify.annotations.NullMarked;
