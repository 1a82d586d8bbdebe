/**
 * Auto-configuration of cache-starter: properties, their validation, and the wiring of every capability.
 */
@NullMarked
package io.cachestarter.autoconfigure;

import org.jspecify.annotations.NullMarked;
