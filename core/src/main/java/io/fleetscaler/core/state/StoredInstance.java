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
 * @param standby a member of the standby pool (suspended, never used): adopted as suspended after a
 *     restart. Saved before this field existed as {@code deletion = "standby"}, which {@link
 *     #isStandby()} still reads
 */
public record StoredInstance(
    String id,
    int claims,
    long completedUses,
    @Nullable String deletion,
    List<Holding> holdings,
    @Nullable ConnectInfo connectInfo,
    boolean standby) {

  /** How state saved before the {@code standby} field marked a pool member, in {@code deletion}. */
  public static final String LEGACY_STANDBY = "standby";

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

  /** An instance outside the standby pool. */
  public StoredInstance(
      String id,
      int claims,
      long completedUses,
      @Nullable String deletion,
      List<Holding> holdings,
      @Nullable ConnectInfo connectInfo) {
    this(id, claims, completedUses, deletion, holdings, connectInfo, false);
  }

  /** A member of the standby pool: suspended, never used, holding nothing. */
  public static StoredInstance standbyMember(String id, @Nullable ConnectInfo connectInfo) {
    return new StoredInstance(id, 0, 0, null, List.of(), connectInfo, true);
  }

  /** Whether it is a pool member, by the field or by the marker older state files carry. */
  public boolean isStandby() {
    return standby || LEGACY_STANDBY.equals(deletion);
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
