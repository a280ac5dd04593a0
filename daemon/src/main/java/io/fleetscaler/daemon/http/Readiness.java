package io.fleetscaler.daemon.http;

import java.util.Objects;

/**
 * Whether the daemon can serve, and why not.
 *
 * @param ready true when ready
 * @param reason a short human-readable explanation, for {@code /readyz}
 */
public record Readiness(boolean ready, String reason) {
  public Readiness {
    Objects.requireNonNull(reason, "reason");
  }
}
