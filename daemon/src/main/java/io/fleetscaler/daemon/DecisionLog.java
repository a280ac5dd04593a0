package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.Decision;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Logs one line per scaling decision of one group, saying what was done and why. A decision that
 * only repeats the previous one (the fleet held at {@code max_instances} tick after tick) is not
 * logged again. Called on the scaler's control path, one decision at a time.
 */
final class DecisionLog implements Consumer<Decision> {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.scaling");

  private final String group;
  private @Nullable Decision last;

  DecisionLog(String group) {
    this.group = group;
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
    LOG.log(Level.INFO, line(group, d));
  }

  static String line(String group, Decision d) {
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
      s.append("hold: ")
          .append(d.demand())
          .append(" slots wanted need ")
          .append(d.desired())
          .append(" instances");
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
