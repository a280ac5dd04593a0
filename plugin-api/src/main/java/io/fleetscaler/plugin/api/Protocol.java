package io.fleetscaler.plugin.api;

/** How the scaler talks to an instance. */
public enum Protocol {
  SSH("ssh", 22),
  WINRM("winrm", 5985),
  WINRM_HTTPS("winrm+https", 5986);

  private final String wireName;
  private final int defaultPort;

  Protocol(String wireName, int defaultPort) {
    this.wireName = wireName;
    this.defaultPort = defaultPort;
  }

  /** The name used in configuration and on the wire. */
  public String wireName() {
    return wireName;
  }

  /** The port used when none is configured. */
  public int defaultPort() {
    return defaultPort;
  }

  /**
   * Parses a configuration or wire name.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  public static Protocol fromWireName(String name) {
    for (Protocol p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '" + name + "' (expected ssh, winrm or winrm+https)");
  }
}
