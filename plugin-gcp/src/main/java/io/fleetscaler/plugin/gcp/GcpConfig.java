package io.fleetscaler.plugin.gcp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Google Cloud plugin's {@code plugin_config}, checked.
 *
 * @param name the managed instance group's name
 * @param project the project that holds it
 * @param location where it lives: a zone for a zonal group, a region for a regional one
 * @param credentialsFile a service-account JSON key; null for application default credentials
 * @param endpoint the Compute API's base URL, for tests; null for Google's
 * @param suspendMode how {@code Suspend}/{@code Resume} act on instances
 */
record GcpConfig(
    String name,
    String project,
    Location location,
    @Nullable Path credentialsFile,
    @Nullable URI endpoint,
    SuspendMode suspendMode) {

  GcpConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(suspendMode, "suspendMode");
  }

  /**
   * A zone or a region.
   *
   * @param regional true for a region
   * @param name e.g. {@code europe-west1-c} or {@code europe-west1}
   */
  record Location(boolean regional, String name) {
    /** The path segment Compute uses, e.g. {@code zones/europe-west1-c}. */
    String path() {
      return (regional ? "regions/" : "zones/") + name;
    }
  }

  /** What suspending an instance means. */
  enum SuspendMode {
    /** {@code suspendInstances}/{@code resumeInstances}: memory is kept, resume is fast. */
    SUSPEND("suspend"),
    /** {@code stopInstances}/{@code startInstances}: a cold boot on resume, no memory charge. */
    STOP("stop");

    private final String key;

    SuspendMode(String key) {
      this.key = key;
    }

    /** The value of the {@code suspend_mode} key. */
    String key() {
      return key;
    }
  }
}
