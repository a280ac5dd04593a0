package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.SlotAllocator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of the provisioner's table: the planner's {@link FleetSnapshot} (with the allocator's
 * view of every allocated instance) and the instance counts by state. Under the control lock.
 */
final class FleetViews {
  private static final Map<InstancePhase, String> PHASE_NAMES = phaseNames();

  private FleetViews() {}

  /** The planner's view of {@code table}, the allocator and what is still expected. */
  static FleetSnapshot snapshot(
      Collection<Provisioner.Tracked> table,
      SlotAllocator allocator,
      Map<String, Instant> lastRelease,
      ExpectedCreations expected,
      int pending,
      boolean shuttingDown) {
    Map<String, InstanceView> views = new HashMap<>();
    for (InstanceView v : allocator.instances()) {
      views.put(v.instanceId(), v);
    }
    List<InstanceInfo> infos = new ArrayList<>(table.size());
    for (Provisioner.Tracked t : table) {
      InstanceView v = views.get(t.id);
      if (t.allocated() && v != null) {
        InstancePhase phase =
            switch (v.state()) {
              case READY -> InstancePhase.READY;
              case DRAINING -> InstancePhase.DRAINING;
              case UNHEALTHY -> InstancePhase.UNHEALTHY;
            };
        t.phase = phase;
        infos.add(
            new InstanceInfo(
                t.id,
                phase,
                v.held(),
                v.claims(),
                v.exhausted(),
                t.readyAt,
                lastRelease.get(t.id),
                t.drainReason));
      } else if (t.phase == InstancePhase.DRAINING && t.drainReason != null) {
        // Adopted after a restart mid-deletion: not in the allocator, deleted for its reason.
        infos.add(new InstanceInfo(t.id, t.phase, 0, 0, false, null, null, t.drainReason));
      } else {
        infos.add(InstanceInfo.outside(t.id, t.phase));
      }
    }
    return new FleetSnapshot(
        infos,
        expected.coming(),
        pending,
        shuttingDown,
        allocator.counts().reserved(),
        expected.unsettled());
  }

  /** Instance counts by state name: requested, ambiguous, then one per phase. */
  static Map<String, Integer> countsByState(
      Collection<Provisioner.Tracked> table, ExpectedCreations expected) {
    Map<InstancePhase, Integer> byPhase = new EnumMap<>(InstancePhase.class);
    for (Provisioner.Tracked t : table) {
      byPhase.merge(t.phase, 1, Integer::sum);
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("requested", expected.granted());
    counts.put("ambiguous", expected.ambiguous());
    for (Map.Entry<InstancePhase, String> e : PHASE_NAMES.entrySet()) {
      counts.put(e.getValue(), byPhase.getOrDefault(e.getKey(), 0));
    }
    return counts;
  }

  private static Map<InstancePhase, String> phaseNames() {
    Map<InstancePhase, String> names = new EnumMap<>(InstancePhase.class);
    for (InstancePhase p : InstancePhase.values()) {
      names.put(p, p.name().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableMap(names);
  }
}
