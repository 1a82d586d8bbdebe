/**
 * What the starter's own method interceptors ({@code @CacheTags}, {@code @InvalidateTags}, {@code @WriteThrough},
 * {@code @CacheableAll}) share: finding their annotation, the invocation their SpEL sees, and acting after commit.
 */
@NullMarked
package io.cachestarter.interceptor;

import org.jspecify.annotations.NullMarked;
