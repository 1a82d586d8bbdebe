/**
 * Logging that stays quiet under load: one line per problem and interval, with a count of what it skipped.
 */
@NullMarked
package io.cachestarter.logging;

import org.jspecify.annotations.NullMarked;
