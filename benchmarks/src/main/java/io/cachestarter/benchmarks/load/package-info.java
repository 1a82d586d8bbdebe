/**
 * A load driver for the sample catalog application: zipf-distributed product reads over HTTP on loopback.
 */
@NullMarked
package io.cachestarter.benchmarks.load;

import org.jspecify.annotations.NullMarked;
