package io.fleetscaler.plugin.sdk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A private directory (mode 0700) the host makes for one plugin process's Unix socket and hands it
 * as {@code PLUGIN_UNIX_SOCKET_DIR}, as go-plugin hosts do. A plugin removes its socket when it
 * stops cleanly; one that is killed (a failed start-up, a crash, a stop past its grace) cannot, so
 * the host deletes the directory and whatever the plugin left in it. Nothing else is ever deleted:
 * only this directory, which the host created, and the entries directly in it.
 */
final class SocketDir {
  private static final SocketDir NONE = new SocketDir(null);

  private final @Nullable Path dir;

  private SocketDir(@Nullable Path dir) {
    this.dir = dir;
  }

  /** A new directory, or none when the spec sets the variable itself or none can be made. */
  static SocketDir create(PluginLaunchSpec spec) {
    if (spec.environment().containsKey("PLUGIN_UNIX_SOCKET_DIR")) {
      return NONE;
    }
    try {
      // Created 0700 on POSIX file systems: no other user can reach the socket.
      return new SocketDir(Files.createTempDirectory("fleetscaler-plugin-"));
    } catch (IOException | UnsupportedOperationException e) {
      return NONE; // the plugin falls back to the system's temporary directory
    }
  }

  void export(Map<String, String> environment) {
    if (dir != null) {
      environment.put("PLUGIN_UNIX_SOCKET_DIR", dir.toString());
    }
  }

  /** Deletes the directory and the entries in it; idempotent, quiet. */
  void delete() {
    if (dir == null) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    } catch (IOException e) {
      // Gone already, or not listable: nothing more to clean.
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Not empty (the plugin made a subdirectory): left for the system's temp cleaner.
    }
  }
}
