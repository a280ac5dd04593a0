package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One leadership term of this node in one election (a shard of the groups): a plugin and a scaler
 * per group of the shard, started when the node is elected and stopped when its term ends.
 *
 * <p>Each scaler is built from the group's configuration with three differences from a lone daemon:
 * its state lives in etcd ({@link LeaderElection#stateStore}, every write fenced on this term), so
 * its restart adoption takes over what the previous leader left; every plugin call and every
 * acquisition first asks the election's lease guard; and it never deletes instances when it stops,
 * since a stop hands the fleet to the next leader rather than ending it.
 */
final class LeaderTerm {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.ha");

  /** How starting a term went. */
  sealed interface Started {
    record Ok(LeaderTerm term) implements Started {}

    record Failed(String why) implements Started {}
  }

  private final List<StartedGroup> groups;
  private final MeterRegistry registry;
  private final List<Meter.Id> meters;

  private LeaderTerm(List<StartedGroup> groups, MeterRegistry registry, List<Meter.Id> meters) {
    this.groups = groups;
    this.registry = registry;
    this.meters = meters;
  }

  /**
   * Starts every group's plugin (taking a {@code warm} one, already started and never called, when
   * there is one) and scaler; on any failure stops those started.
   */
  static Started start(
      List<GroupConfig> groups,
      LeaderElection election,
      boolean inProcess,
      MeterRegistry registry,
      Map<String, PluginClient> warm) {
    Set<Meter.Id> before = new HashSet<>();
    registry.getMeters().forEach(m -> before.add(m.getId()));
    List<StartedGroup> started = new ArrayList<>();
    for (GroupConfig g : groups) {
      @Nullable PluginClient ready = warm.remove(g.name());
      PluginClient client;
      try {
        client = ready != null ? ready : PluginLauncher.open(g.plugin(), inProcess);
      } catch (RuntimeException e) {
        stopAll(started);
        return new Started.Failed(
            "group " + g.name() + ": plugin " + g.plugin().name() + " did not start: " + e);
      }
      // Every call of this term is sent only while the lease surely lives, and acted on by the
      // plugin only if it arrives while it does (however long this process stops in between).
      client.actWithin(() -> election.guardRemaining().toNanos());
      CompositeMeterRegistry groupMeters = new CompositeMeterRegistry();
      groupMeters.config().commonTags("group", g.name());
      groupMeters.add(registry);
      try {
        TaskScaler scaler =
            g.applyTo(TaskScaler.builder(client))
                .deleteInstancesOnShutdown(false)
                .leaseGuard(election.guard())
                .stateStore(election::stateStore)
                .meterRegistry(groupMeters)
                .decisionListener(
                    new DecisionLog(g.name(), g.capacityPerInstance(), g.maxInstances()))
                .build();
        started.add(new StartedGroup(g, client, scaler));
      } catch (RuntimeException e) {
        client.close();
        stopAll(started);
        return new Started.Failed("group " + g.name() + ": " + e.getMessage());
      }
    }
    // Only this term's groups' meters: other shards' terms start and stop on their own threads.
    Set<String> names = new HashSet<>();
    groups.forEach(g -> names.add(g.name()));
    List<Meter.Id> added = new ArrayList<>();
    registry
        .getMeters()
        .forEach(
            m -> {
              String group = m.getId().getTag("group");
              if (!before.contains(m.getId()) && group != null && names.contains(group)) {
                added.add(m.getId());
              }
            });
    return new Started.Ok(new LeaderTerm(List.copyOf(started), registry, added));
  }

  /** Points each group's API entry at this term's scaler. */
  void serve(Map<String, TermScaler> entries) {
    for (StartedGroup g : groups) {
      TermScaler entry = entries.get(g.config().name());
      if (entry != null) {
        entry.serve(g.scaler());
      }
    }
  }

  /**
   * Stops the scalers (no deletion; their last save commits only if the term still holds) and the
   * plugins, and removes the term's meters so the next term binds fresh ones.
   */
  void stop() {
    stopAll(groups);
    meters.forEach(registry::remove);
  }

  private static void stopAll(List<StartedGroup> groups) {
    for (StartedGroup g : groups) {
      try {
        g.scaler().shutdown();
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "group {0}: scaler stop failed: {1}",
            g.config().name(),
            e.toString());
      }
      g.client().close();
    }
  }

  /** Ready while every plugin runs and every scaler saw its fleet recently. */
  Readiness readiness(boolean inProcess) {
    List<String> serving = new ArrayList<>();
    for (StartedGroup g : groups) {
      String why = g.notReady(inProcess);
      if (why != null) {
        return new Readiness(false, why);
      }
      serving.add("plugin " + g.client().name() + " serving");
    }
    return new Readiness(true, "leader; " + String.join(", ", serving));
  }
}
