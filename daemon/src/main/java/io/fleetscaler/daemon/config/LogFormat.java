package io.fleetscaler.daemon.config;

/** How the daemon writes its log on stderr. */
public enum LogFormat {
  /** One human-readable line per record: time, level, logger, message. */
  TEXT,
  /** One JSON object per line and record, for log shippers. */
  JSON;

  /** The configuration spelling: {@code text} or {@code json}. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
