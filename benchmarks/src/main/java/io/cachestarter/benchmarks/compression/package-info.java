/**
 * Benchmarks behind value compression ({@code docs/compression.md}): the candidate codecs on catalog-like JSON, and
 * a hit and a put through the cache with compression on and off.
 */
@NullMarked
package io.cachestarter.benchmarks.compression;

import org.jspecify.annotations.NullMarked;
