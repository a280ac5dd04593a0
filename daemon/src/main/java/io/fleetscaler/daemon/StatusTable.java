package io.fleetscaler.daemon;

import com.google.protobuf.Timestamp;
import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.proto.v1.BlockingReason;
import io.fleetscaler.proto.v1.BootingInstance;
import io.fleetscaler.proto.v1.Decision;
import io.fleetscaler.proto.v1.Deletion;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupBlockingReasons;
import io.fleetscaler.proto.v1.GroupElsewhere;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.Instance;
import io.fleetscaler.proto.v1.Policy;
import io.fleetscaler.proto.v1.SlotCounts;
import io.fleetscaler.proto.v1.StandbyPool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The human-readable form of a GetFleet answer, for {@code fleetscaler status}: the groups the node
 * that answered leads in full, then (a sharded high-availability set) the groups led elsewhere with
 * their shard's leader. Pure.
 */
final class StatusTable {
  private StatusTable() {}

  static String render(GetFleetResponse fleet) {
    return render(fleet, GetBlockingReasonsResponse.getDefaultInstance());
  }

  /** The fleet, each group followed by why its jobs wait (when {@code why} has the group). */
  static String render(GetFleetResponse fleet, GetBlockingReasonsResponse why) {
    return render(fleet, why, Instant.now());
  }

  /**
   * As {@link #render(GetFleetResponse, GetBlockingReasonsResponse)}, ages counted to {@code now}.
   */
  static String render(GetFleetResponse fleet, GetBlockingReasonsResponse why, Instant now) {
    StringBuilder out = new StringBuilder();
    for (GroupStatus g : fleet.getGroupsList()) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      group(out, g, now);
      for (GroupBlockingReasons r : why.getGroupsList()) {
        if (r.getGroup().equals(g.getName())) {
          why(out, r);
        }
      }
    }
    elsewhere(out, fleet.getElsewhereList());
    return out.toString();
  }

  /**
   * A sharded high-availability set: the groups the node that answered does not lead, each with its
   * shard and the shard's leader (ask that node for the group's status). Nothing otherwise.
   */
  private static void elsewhere(StringBuilder out, List<GroupElsewhere> groups) {
    if (groups.isEmpty()) {
      return;
    }
    if (!out.isEmpty()) {
      out.append('\n');
    }
    out.append("LED ELSEWHERE\n");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("GROUP", "SHARD", "LEADER", "ADDRESS"));
    for (GroupElsewhere g : groups) {
      boolean known = !g.getLeaderNode().isEmpty();
      rows.add(
          List.of(
              g.getGroup(),
              g.getShard(),
              known ? g.getLeaderNode() : "(none known: election under way)",
              g.getLeaderApiAddress().isEmpty() ? "-" : g.getLeaderApiAddress()));
    }
    table(out, rows);
  }

  /** Only why jobs wait, per group: {@code fleetscaler status --why}. */
  static String renderWhy(GetBlockingReasonsResponse why) {
    StringBuilder out = new StringBuilder();
    for (GroupBlockingReasons r : why.getGroupsList()) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append("GROUP ").append(r.getGroup()).append('\n');
      why(out, r);
    }
    return out.toString();
  }

  private static void why(StringBuilder out, GroupBlockingReasons r) {
    out.append("WHY WAITING  pending acquisitions ")
        .append(r.getPendingAcquisitions())
        .append("  pending reservations ")
        .append(r.getPendingReservations());
    if (r.getReasonsCount() == 0) {
      out.append("  nothing holds capacity back\n");
      return;
    }
    out.append('\n');
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("REASON", "SINCE", "UNTIL", "DETAIL"));
    for (BlockingReason b : r.getReasonsList()) {
      rows.add(
          List.of(
              b.getReason(),
              b.hasSince() ? time(b.getSince()) : "-",
              b.hasUntil() ? time(b.getUntil()) : "-",
              b.getDetail()));
    }
    table(out, rows);
    if (r.getBootingCount() > 0) {
      out.append("BOOTING\n");
      List<List<String>> booting = new ArrayList<>();
      booting.add(List.of("ID", "STATE", "SINCE", "EXPECTED READY"));
      for (BootingInstance i : r.getBootingList()) {
        booting.add(
            List.of(
                i.getId().isEmpty() ? "(not listed yet)" : i.getId(),
                i.getPhase(),
                time(i.getSince()),
                i.hasExpectedReadyAt() ? time(i.getExpectedReadyAt()) : "unknown"));
      }
      table(out, booting);
    }
  }

  /** The pool's line, when the group has or wants one (an older daemon sends none). */
  private static void standby(StringBuilder out, GroupStatus g, Instant now) {
    if (!g.hasStandby()) {
      return;
    }
    StandbyPool p = g.getStandby();
    if (p.getCount() == 0 && p.getResuming() == 0 && p.getTarget() == 0) {
      return;
    }
    out.append("STANDBY  suspended ")
        .append(p.getCount())
        .append("  resuming ")
        .append(p.getResuming())
        .append("  target ")
        .append(p.getTarget())
        .append("  oldest ");
    if (p.hasOldestSince()) {
      Instant since = Instant.ofEpochSecond(p.getOldestSince().getSeconds());
      Duration age = Duration.between(since, now);
      out.append(GoDuration.format(age.isNegative() ? Duration.ZERO : age))
          .append(" (since ")
          .append(time(p.getOldestSince()))
          .append(')');
    } else {
      out.append('-');
    }
    out.append('\n');
  }

  private static void group(StringBuilder out, GroupStatus g, Instant now) {
    Policy p = g.getActivePolicy();
    out.append("GROUP ").append(g.getName());
    if (!g.getShard().isEmpty()) {
      out.append(" (shard ").append(g.getShard()).append(')');
    }
    out.append("  policy: idle_count=")
        .append(p.getIdleCount())
        .append(" idle_time=")
        .append(
            GoDuration.format(
                Duration.ofSeconds(p.getIdleTime().getSeconds(), p.getIdleTime().getNanos())))
        .append(" scale_factor=")
        .append(p.getScaleFactor())
        .append(" preemptive_mode=")
        .append(p.getPreemptiveMode())
        .append('\n');
    SlotCounts s = g.getSlots();
    out.append(
        String.format(
            "SLOTS  idle %d  reserved %d  acquired %d  unavailable %d  unhealthy %d  pending %d%n",
            s.getIdle(),
            s.getReserved(),
            s.getAcquired(),
            s.getUnavailable(),
            s.getUnhealthy(),
            s.getPending()));
    String byState =
        g.getInstancesByStateMap().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining("  "));
    out.append("INSTANCES  ").append(byState.isEmpty() ? "none" : byState).append('\n');
    standby(out, g, now);

    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("ID", "STATE", "HELD", "CLAIMS", "READY AT", "LAST RELEASE", "NOTE"));
    for (Instance i : g.getInstancesList()) {
      rows.add(
          List.of(
              i.getId(),
              i.getPhase(),
              Integer.toString(i.getHeld()),
              Integer.toString(i.getClaims()),
              i.hasReadyAt() ? time(i.getReadyAt()) : "-",
              i.hasLastReleasedAt() ? time(i.getLastReleasedAt()) : "-",
              note(i)));
    }
    if (rows.size() > 1) {
      table(out, rows);
    }

    out.append("RECENT DECISIONS");
    if (g.getRecentDecisionsCount() == 0) {
      out.append("  none\n");
      return;
    }
    out.append('\n');
    List<List<String>> decisions = new ArrayList<>();
    decisions.add(List.of("AT", "DEMAND", "DESIRED", "REQUESTED", "CREATED", "DELETED", "REASON"));
    for (Decision d : g.getRecentDecisionsList()) {
      decisions.add(
          List.of(
              time(d.getAt()),
              Long.toString(d.getDemand()),
              Integer.toString(d.getDesired()),
              Integer.toString(d.getRequested()),
              Integer.toString(d.getCreated()),
              deletions(d.getDeletionsList()),
              d.getNotScaledBecause().isEmpty() ? "-" : "not scaled: " + d.getNotScaledBecause()));
    }
    table(out, decisions);
  }

  private static String note(Instance i) {
    List<String> notes = new ArrayList<>();
    if (i.getExhausted()) {
      notes.add("max_use_count reached");
    }
    if (!i.getDrainReason().isEmpty()) {
      notes.add("draining: " + i.getDrainReason());
    }
    return notes.isEmpty() ? "" : String.join(", ", notes);
  }

  private static String deletions(List<Deletion> deletions) {
    if (deletions.isEmpty()) {
      return "-";
    }
    Map<String, Long> byReason =
        deletions.stream()
            .collect(
                Collectors.groupingBy(
                    Deletion::getReason, java.util.TreeMap::new, Collectors.counting()));
    return byReason.entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "));
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }

  /** Left-aligned columns two spaces apart; the last column is not padded. */
  private static void table(StringBuilder out, List<List<String>> rows) {
    int columns = rows.getFirst().size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < columns; c++) {
        line.append(row.get(c));
        if (c < columns - 1) {
          line.append(" ".repeat(width[c] - row.get(c).length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
