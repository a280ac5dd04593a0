package io.fleetscaler.plugin.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one instance now. Secrets never appear in {@link #toString()}.
 *
 * @param id the instance
 * @param connector protocol, port, credentials and OS, starting from the operator's {@link
 *     ConnectorConfig} and completed by the plugin
 * @param internalAddr address inside the cloud network ({@code host} or {@code host:port}), empty
 *     when unknown
 * @param externalAddr public address, empty when none
 * @param expires when short-lived credentials stop working (e.g. a key pushed with EC2 Instance
 *     Connect); null when they do not expire. A caller fetches connect info again after it.
 */
public record ConnectInfo(
    String id,
    ConnectorConfig connector,
    String internalAddr,
    String externalAddr,
    @Nullable Instant expires) {

  public ConnectInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(internalAddr, "internalAddr");
    Objects.requireNonNull(externalAddr, "externalAddr");
  }

  /**
   * The address to dial: the external one when asked for and present, otherwise the internal one,
   * falling back to whichever exists.
   */
  public String dialAddress(boolean useExternalAddr) {
    if (useExternalAddr) {
      return externalAddr.isEmpty() ? internalAddr : externalAddr;
    }
    return internalAddr.isEmpty() ? externalAddr : internalAddr;
  }

  /** Whether credentials have expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }
}
