/**
 * A real Redis for tests: single servers, clusters and sentinel groups on loopback ports, with fault injection.
 */
@NullMarked
package io.cachestarter.test.redis;

import org.jspecify.annotations.NullMarked;
