package io.fleetscaler.core.state;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.plugin.api.ConnectInfo;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One instance as the scaler last saved it.
 *
 * @param id the cloud's id
 * @param claims claims charged against {@code max_use_count} (0 when uses are unlimited)
 * @param completedUses releases counted on it
 * @param deletion why its deletion was asked for (a deletion reason's label), or null if it was not
 *     being deleted; a restart asks again
 * @param holdings the slots its keys held, reserved or acquired
 * @param connectInfo how it was last reached, credentials included, as the plugin last said; null
 *     if no caller asked
 */
public record StoredInstance(
    String id,
    int claims,
    long completedUses,
    @Nullable String deletion,
    List<Holding> holdings,
    @Nullable ConnectInfo connectInfo) {
  public StoredInstance {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("instance id is empty");
    }
    if (claims < 0 || completedUses < 0) {
      throw new IllegalArgumentException(
          "claims and completedUses must be >= 0, got " + claims + " and " + completedUses);
    }
    holdings = List.copyOf(holdings);
  }

  /** An instance with no saved connection details. */
  public StoredInstance(
      String id,
      int claims,
      long completedUses,
      @Nullable String deletion,
      List<Holding> holdings) {
    this(id, claims, completedUses, deletion, holdings, null);
  }
}
