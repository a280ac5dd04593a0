package io.fleetscaler.plugin.api;

/** Optional abilities a plugin declares in {@link ProviderInfo}. */
public enum Capability {
  /** {@link InstanceGroup#suspend} and {@link InstanceGroup#resume} are implemented. */
  SUSPEND_RESUME("suspend_resume");

  private final String wireName;

  Capability(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the wire (fleeting's). */
  public String wireName() {
    return wireName;
  }
}
