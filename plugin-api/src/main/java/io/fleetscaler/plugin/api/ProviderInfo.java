package io.fleetscaler.plugin.api;

import java.util.Objects;
import java.util.Set;

/**
 * What {@link InstanceGroup#init} reports about the group.
 *
 * @param id a path-like identity of the group, e.g. {@code aws/us-east-1/runners}; state storage is
 *     keyed by it, so it must not change between runs for the same group
 * @param maxSize the most instances the group can hold; the scaler's own maximum is the real cap
 * @param version the plugin's version
 * @param buildInfo free text about the plugin's build, may be empty
 * @param capabilities optional abilities
 */
public record ProviderInfo(
    String id, int maxSize, String version, String buildInfo, Set<Capability> capabilities) {
  public ProviderInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(buildInfo, "buildInfo");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("provider id is empty");
    }
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize must be >= 0, was " + maxSize);
    }
    capabilities = Set.copyOf(capabilities);
  }

  /** Whether the plugin declared {@code capability}. */
  public boolean has(Capability capability) {
    return capabilities.contains(capability);
  }
}
