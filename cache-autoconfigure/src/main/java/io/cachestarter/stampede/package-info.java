/**
 * Stampede protection: single-flight loading of a missing key, and background reloads for refresh-ahead and
 * serve-stale.
 */
@NullMarked
package io.cachestarter.stampede;

import org.jspecify.annotations.NullMarked;
