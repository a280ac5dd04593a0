/**
 * Where and how the daemon logs: every record goes through {@code java.util.logging} (the JDK's
 * {@link java.lang.System.Logger}, SLF4J from libraries, relayed plugin output) to one handler on
 * stderr, written as text lines or as one JSON object per line.
 */
@NullMarked
package io.fleetscaler.daemon.logging;

import org.jspecify.annotations.NullMarked;
