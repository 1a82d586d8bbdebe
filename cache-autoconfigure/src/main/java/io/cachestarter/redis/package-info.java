/**
 * Redis access shared by every capability: the byte-level commands, Lua scripts, and the guard every Redis call
 * goes through.
 */
@NullMarked
package io.cachestarter.redis;

import org.jspecify.annotations.NullMarked;
