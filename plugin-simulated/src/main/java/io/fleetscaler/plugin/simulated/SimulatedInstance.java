package io.fleetscaler.plugin.simulated;

import io.fleetscaler.plugin.api.InstanceState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One instance of the simulated cloud. Mutable and not thread-safe: only {@link
 * SimulatedInstanceGroup} touches it, under its lock. Every future event of the instance (end of
 * boot, boot failure, random loss) is drawn when it is requested, so that its history depends only
 * on the calls made and the clock, never on how often anyone looks.
 */
final class SimulatedInstance {

  final String id;
  final String internalAddr;
  InstanceState state;

  /** When the current transitional state (creating, deleting, suspending, resuming) ends. */
  Instant transitionEndsAt;

  /** Whether booting ends in {@code timeout} rather than {@code running}. */
  final boolean bootFails;

  /** When a running instance vanishes by itself; null if never. */
  @Nullable Instant lossAt;

  /** Vanished from the cloud; dropped by the next update, which no longer lists it. */
  boolean lost;

  /** Marked broken by a test: still listed, but its heartbeat fails. */
  boolean broken;

  SimulatedInstance(
      String id,
      String internalAddr,
      Instant readyAt,
      boolean bootFails,
      @Nullable Instant lossAt) {
    this.id = id;
    this.internalAddr = internalAddr;
    this.state = InstanceState.CREATING;
    this.transitionEndsAt = readyAt;
    this.bootFails = bootFails;
    this.lossAt = lossAt;
  }

  /** Applies every transition due by {@code now}. Idempotent for a given {@code now}. */
  void settle(Instant now) {
    if (lost || now.isBefore(transitionEndsAt)) {
      checkLoss(now);
      return;
    }
    state =
        switch (state) {
          case CREATING -> bootFails ? InstanceState.TIMEOUT : InstanceState.RUNNING;
          case DELETING -> InstanceState.DELETED;
          case SUSPENDING -> InstanceState.SUSPENDED;
          case RESUMING -> InstanceState.RUNNING;
          case RUNNING, DELETED, TIMEOUT, SUSPENDED -> state;
        };
    checkLoss(now);
  }

  private void checkLoss(Instant now) {
    if (!lost && state == InstanceState.RUNNING && lossAt != null && !now.isBefore(lossAt)) {
      lost = true;
    }
  }

  /**
   * When this instance next changes by itself, strictly after {@code now} (which it has been
   * settled at), or null if it will not.
   */
  @Nullable Instant nextChangeAfter(Instant now) {
    if (lost) {
      return null;
    }
    return switch (state) {
      case CREATING, DELETING, SUSPENDING, RESUMING ->
          transitionEndsAt.isAfter(now) ? transitionEndsAt : null;
      case RUNNING -> lossAt != null && lossAt.isAfter(now) ? lossAt : null;
      case DELETED, TIMEOUT, SUSPENDED -> null;
    };
  }

  /** Counts against the group's size: it exists and is not on its way out. */
  boolean live() {
    return !lost && state != InstanceState.DELETING && state != InstanceState.DELETED;
  }

  /** The cloud still holds it (it may be listed). */
  boolean exists() {
    return !lost && state != InstanceState.DELETED;
  }
}
