/**
 * State storage: what the scaler must remember across a restart to adopt its instances safely —
 * each instance's use counts and which key holds which of its slots — kept in one file per instance
 * group, written crash-safely (temporary file, fsync, atomic rename, fsync of the directory) by a
 * background writer so that the lock-free request path never waits for a disk; a caller that must
 * know its acquisition survives a crash waits for the next group commit instead.
 */
@NullMarked
package io.fleetscaler.core.state;

import org.jspecify.annotations.NullMarked;
