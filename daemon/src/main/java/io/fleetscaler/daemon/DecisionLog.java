package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.Decision;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Logs one line per scaling decision of one group, saying what was done and why. A decision that
 * only repeats the previous one (the fleet held at {@code max_instances} tick after tick) is not
 * logged again, and holds that differ only in the number of slots wanted (a burst of waiting
 * acquisitions plans once per arrival) are logged at most once per {@link #HOLD_INTERVAL} of the
 * scaler's time, the next line saying how many were left out. Every creation and deletion is
 * logged. Called on the scaler's control path, one decision at a time.
 */
final class DecisionLog implements Consumer<Decision> {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.scaling");

  /** The least time between two logged holds that differ only in the slots wanted. */
  static final Duration HOLD_INTERVAL = Duration.ofSeconds(30);

  private final String group;
  private final int capacityPerInstance;
  private final int maxInstances;
  private @Nullable Decision last;
  private @Nullable Decision lastHoldLogged;
  private int holdsLeftOut;

  /**
   * @param capacityPerInstance the group's slots per instance, to say how many instances the slots
   *     wanted need before {@code max_instances} caps them
   * @param maxInstances the group's cap
   */
  DecisionLog(String group, int capacityPerInstance, int maxInstances) {
    this.group = group;
    this.capacityPerInstance = capacityPerInstance;
    this.maxInstances = maxInstances;
  }

  @Override
  public void accept(Decision d) {
    Decision previous = last;
    last = d;
    // Only a decision that did nothing can be a repeat; every creation and deletion is logged.
    boolean didNothing = d.created() == 0 && d.deletions().isEmpty();
    if (didNothing && previous != null && sameApartFromTime(previous, d)) {
      return;
    }
    boolean isHold = d.requested() == 0 && d.deletions().isEmpty();
    Decision hold = lastHoldLogged;
    if (isHold
        && hold != null
        && hold.desired() == d.desired()
        && hold.notScaledBecause().equals(d.notScaledBecause())
        && Duration.between(hold.at(), d.at()).compareTo(HOLD_INTERVAL) < 0) {
      holdsLeftOut++;
      return;
    }
    String line = line(group, capacityPerInstance, maxInstances, d);
    if (holdsLeftOut > 0) {
      line += " (" + holdsLeftOut + " holds with other slot counts not logged)";
      holdsLeftOut = 0;
    }
    lastHoldLogged = isHold ? d : null;
    LOG.log(Level.INFO, line);
  }

  /** The line for {@code d} when the group's capacity and cap are not known. */
  static String line(String group, Decision d) {
    return line(group, 0, 0, d);
  }

  static String line(String group, int capacityPerInstance, int maxInstances, Decision d) {
    StringBuilder s = new StringBuilder("group ").append(group).append(": ");
    if (d.requested() > 0) {
      s.append("scale up: ")
          .append(d.demand())
          .append(" slots wanted need ")
          .append(d.desired())
          .append(" instances; requested ")
          .append(d.requested())
          .append(", created ")
          .append(d.created());
    } else if (!d.deletions().isEmpty()) {
      s.append("scale down: ")
          .append(d.demand())
          .append(" slots wanted need ")
          .append(d.desired())
          .append(" instances");
    } else {
      s.append("hold: ").append(d.demand()).append(" slots wanted need ");
      long needed =
          capacityPerInstance > 0
              ? (d.demand() + capacityPerInstance - 1) / capacityPerInstance
              : d.desired();
      if (maxInstances > 0 && needed > maxInstances && d.desired() >= maxInstances) {
        s.append(needed).append(" instances, capped at max_instances ").append(maxInstances);
      } else {
        s.append(d.desired()).append(" instances");
      }
    }
    if (!d.deletions().isEmpty()) {
      s.append("; deleting ")
          .append(
              d.deletions().stream()
                  .map(x -> x.instanceId() + " (" + x.reason().label() + ")")
                  .collect(Collectors.joining(", ")));
    }
    if (!d.notScaledBecause().isEmpty()) {
      s.append("; not scaled: ").append(d.notScaledBecause());
    }
    return s.toString();
  }

  private static boolean sameApartFromTime(Decision a, Decision b) {
    return a.requested() == b.requested()
        && a.created() == b.created()
        && a.demand() == b.demand()
        && a.desired() == b.desired()
        && a.deletions().isEmpty()
        && a.notScaledBecause().equals(b.notScaledBecause());
  }
}
