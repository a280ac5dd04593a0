package io.fleetscaler.core.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state file of one instance group in a storage directory.
 *
 * <h2>Layout and permissions</h2>
 *
 * One file per group, {@code <dir>/<slug>-<hash>.state}: the slug is the group id with unsafe
 * characters replaced, for people; the hash (SHA-256 of the group id, 12 hex digits) makes the name
 * unique. The group id is the plugin's own identity of the group ({@code ProviderInfo.id}, e.g.
 * {@code aws/eu-west-1/ci-runners}), never a token, so rotating a runner token keeps the state. The
 * directory is created {@code 0700}; an existing one must belong to this user and must not be
 * writable by group or others (anyone who can write it could swap the file). The file is {@code
 * 0600} and a file readable by others is refused: it may hold connection details.
 *
 * <h2>Crash safety</h2>
 *
 * {@link #save} writes a temporary file in the same directory, fsyncs it, renames it over the state
 * file atomically and fsyncs the directory: after a crash the file is the old one or the new one,
 * whole. Not thread-safe: one writer at a time (the {@link SnapshotWriter}).
 */
public interface StateStore {

  /**
   * Opens the state file of {@code groupId} in {@code dir}, creating the directory if needed.
   *
   * @throws IOException if the directory cannot be created or is unsafe (message names it and why)
   */
  static StateStore open(Path dir, String groupId) throws IOException {
    return FileStateStore.open(dir, groupId);
  }

  /** The state file (which may not exist yet). */
  Path file();

  /**
   * Reads the saved state.
   *
   * @return empty when nothing was saved yet
   * @throws IOException if the file cannot be read, is unsafe, belongs to another group or is
   *     malformed (message names the file, the line and what is wrong)
   */
  Optional<StoredState> load() throws IOException;

  /** Replaces the saved state, durably and atomically. */
  void save(StoredState state) throws IOException;
}
