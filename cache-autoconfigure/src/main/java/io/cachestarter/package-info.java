/**
 * The public API of cache-starter: the annotations users put on bean methods and {@link io.cachestarter.TagInvalidator}.
 */
@NullMarked
package io.cachestarter;

import org.jspecify.annotations.NullMarked;
