package io.fleetscaler.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code [state_storage]}: where the scaler keeps what it knows of instances across restarts.
 *
 * @param enabled whether state is stored (default false)
 * @param dir the directory, resolved against the configuration file's directory (default {@code
 *     .taskscaler})
 * @param keepInstanceWithAcquisitions keep, rather than delete, an instance that had acquisitions
 *     when the daemon stopped (default false)
 */
public record StateStorage(boolean enabled, Path dir, boolean keepInstanceWithAcquisitions) {

  /** gitlab-runner's directory name. */
  public static final String DEFAULT_DIR = ".taskscaler";

  public StateStorage {
    Objects.requireNonNull(dir, "dir");
  }
}
