/**
 * Tags: entries grouped in Redis sets by tag, removed together by {@code @InvalidateTags} or
 * {@code TagInvalidator}.
 */
@NullMarked
package io.cachestarter.tags;

import org.jspecify.annotations.NullMarked;
