package io.fleetscaler.core.scaler;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An instance on its way to taking work, for {@link WaitReasons#booting()}.
 *
 * @param id the cloud's id; empty for instances asked for and not listed by the cloud yet
 * @param phase {@code requested}, {@code creating} or {@code running} (running and waiting for its
 *     ready command)
 * @param since when it was asked for (or first seen, for an instance the scaler did not ask for)
 * @param expectedReadyAt {@code since} plus the typical request-to-ready time of this group's last
 *     instances; null until one instance became ready
 */
public record BootingInstance(
    String id, String phase, Instant since, @Nullable Instant expectedReadyAt) {
  public BootingInstance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(since, "since");
  }
}
