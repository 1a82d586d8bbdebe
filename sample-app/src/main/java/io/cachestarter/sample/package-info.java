/**
 * A product catalog REST API that caches in Redis through cache-starter.
 */
@NullMarked
package io.cachestarter.sample;

import org.jspecify.annotations.NullMarked;
