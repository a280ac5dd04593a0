package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.daemon.ha.EtcdServer;
import io.fleetscaler.daemon.ha.FileCloudPlugin;
import io.fleetscaler.daemon.ha.TcpProxy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemons as subprocesses on one real etcd, one cloud in a file that outlives them, and
 * runner managers cycling acquire/release through any node: the leader is killed, stopped and
 * resumed, while nothing handed out is lost, doubled, or deleted while held.
 */
class HaProcessIT {
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int KILLS = 20;

  @TempDir Path dir;

  @Test
  void sigkillOfTheLeaderTwentyTimesLosesNothing() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
        HaCluster cluster = new HaCluster(dir, TTL)) {
      for (int i = 1; i <= 3; i++) {
        cluster.start("node-" + i, etcd.endpoint());
      }
      HaCluster.Node leader = cluster.awaitLeader();
      Map<String, String> holders = RunnerManager.sharedHolders();
      ConcurrentLinkedQueue<RunnerManager.Hold> holds = new ConcurrentLinkedQueue<>();
      List<RunnerManager> managers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int m = 0; m < 4; m++) {
        RunnerManager rm = new RunnerManager("job-" + m, cluster.apis(), m, holders, holds);
        managers.add(rm);
        threads.add(Thread.ofPlatform().name("runner-manager-" + m).start(rm));
      }
      Random random = new Random(19);
      try {
        for (int kill = 0; kill < KILLS; kill++) {
          long served = cycles(managers);
          HaCluster.await("acquisitions served by " + leader.name, () -> cycles(managers) > served);
          // A random point of the leader's work: an acquisition, a release, an increase or a
          // decrease under way (idle_time 3 s keeps instances coming and going).
          Thread.sleep(random.nextInt(1500));
          List<ProcessHandle> plugins = leader.process.process.descendants().toList();
          leader.process.process.destroyForcibly();
          leader.process.process.waitFor();
          plugins.forEach(ProcessHandle::destroyForcibly);
          HaCluster.Node dead = leader;
          leader = cluster.awaitLeader();
          assertThat(leader).isNotSameAs(dead);
          cluster.restart(dead);
        }
        long served = cycles(managers);
        HaCluster.await("acquisitions after the last kill", () -> cycles(managers) > served + 4);
      } finally {
        managers.forEach(RunnerManager::stop);
        for (Thread t : threads) {
          t.join(HaCluster.BOUND.toMillis());
        }
      }
      String logs = cluster.logs();
      for (RunnerManager rm : managers) {
        rm.assertNothingLostOrDoubled(logs);
      }
      assertNoHeldInstanceDeleted(cluster.cloud, holds);
      // No instance leaked: the leader knows every instance the cloud still runs.
      HaCluster.Node last = leader;
      HaCluster.await(
          "the cloud and the leader agree",
          () -> {
            try {
              return knownByLeader(last).containsAll(running(cluster.cloud));
            } catch (Exception e) {
              return false;
            }
          });
    }
  }

  @Test
  void aLeaderStoppedPastItsLeaseMakesNoPluginCallWhenResumed() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
        HaCluster cluster = new HaCluster(dir, TTL)) {
      cluster.start("node-1", etcd.endpoint());
      cluster.start("node-2", etcd.endpoint());
      HaCluster.Node old = cluster.awaitLeader();
      Map<String, String> holders = RunnerManager.sharedHolders();
      ConcurrentLinkedQueue<RunnerManager.Hold> holds = new ConcurrentLinkedQueue<>();
      RunnerManager rm = new RunnerManager("job-0", cluster.apis(), 0, holders, holds);
      Thread t = Thread.ofPlatform().start(rm);
      try {
        HaCluster.await("acquisitions", () -> rm.cycles.get() > 2);
        signal("STOP", old.pid());
        HaCluster.Node next =
            cluster.nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        HaCluster.await("the standby serves", next::serving);
        long servedByNext = rm.cycles.get();
        HaCluster.await("acquisitions by the new leader", () -> rm.cycles.get() > servedByNext);
        long resumed = System.currentTimeMillis();
        signal("CONT", old.pid());
        // Long enough for the resumed node to try everything it had scheduled, and step down.
        HaCluster.await("the old leader steps down", () -> !old.serving());
        Thread.sleep(3 * TTL.toMillis());
        long servedAfter = rm.cycles.get();
        HaCluster.await("acquisitions after the resume", () -> rm.cycles.get() > servedAfter);

        List<FileCloudPlugin.Call> late =
            FileCloudPlugin.calls(cluster.cloud).stream()
                .filter(c -> c.caller() == old.pid() && c.atMillis() >= resumed)
                .toList();
        // None, not even a call sent just before SIGSTOP landed: its window (the lease) travels
        // with it and the plugin refuses it on arrival (ArrivalFence); later ones are not sent.
        assertThat(late).as("plugin calls of the resumed old leader").isEmpty();
        assertThat(
                FileCloudPlugin.calls(cluster.cloud).stream()
                    .anyMatch(c -> c.caller() == next.pid() && c.atMillis() >= resumed))
            .as("the new leader keeps calling its plugin")
            .isTrue();
      } finally {
        signal("CONT", old.pid());
        rm.stop();
        t.join(HaCluster.BOUND.toMillis());
      }
      rm.assertNothingLostOrDoubled(cluster.logs());
      assertNoHeldInstanceDeleted(cluster.cloud, holds);
    }
  }

  @Test
  void aLeaderPartitionedFromEtcdStepsDownAndAStandbyLeads() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
        TcpProxy proxy = TcpProxy.start(etcd.endpoint());
        HaCluster cluster = new HaCluster(dir, TTL)) {
      HaCluster.Node cutOff = cluster.start("node-1", proxy.endpoint());
      assertThat(cluster.awaitLeader()).isSameAs(cutOff);
      HaCluster.Node other = cluster.start("node-2", etcd.endpoint());
      Map<String, String> holders = RunnerManager.sharedHolders();
      ConcurrentLinkedQueue<RunnerManager.Hold> holds = new ConcurrentLinkedQueue<>();
      RunnerManager rm = new RunnerManager("job-0", cluster.apis(), 0, holders, holds);
      Thread t = Thread.ofPlatform().start(rm);
      try {
        HaCluster.await("acquisitions", () -> rm.cycles.get() > 2);
        long partitioned = System.currentTimeMillis();
        proxy.cut();
        HaCluster.await("the standby leads", other::serving);
        HaCluster.await("the partitioned node stops serving", () -> !cutOff.serving());
        long served = rm.cycles.get();
        HaCluster.await("acquisitions by the new leader", () -> rm.cycles.get() > served + 2);
        // The cut-off node cannot renew: its guard ends before etcd could expire the lease.
        assertThat(
                FileCloudPlugin.calls(cluster.cloud).stream()
                    .filter(
                        c ->
                            c.caller() == cutOff.pid()
                                && c.atMillis() > partitioned + TTL.toMillis())
                    .toList())
            .as("plugin calls of the partitioned node after its lease could have ended")
            .isEmpty();
      } finally {
        rm.stop();
        t.join(HaCluster.BOUND.toMillis());
      }
      rm.assertNothingLostOrDoubled(cluster.logs());
      assertNoHeldInstanceDeleted(cluster.cloud, holds);
    }
  }

  @Test
  void etcdRestartedUnderTheLeaderLosesNothingAndEveryRefusalSaysRetry() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
        HaCluster cluster = new HaCluster(dir, TTL)) {
      cluster.start("node-1", etcd.endpoint());
      cluster.start("node-2", etcd.endpoint());
      cluster.awaitLeader();
      Map<String, String> holders = RunnerManager.sharedHolders();
      ConcurrentLinkedQueue<RunnerManager.Hold> holds = new ConcurrentLinkedQueue<>();
      List<RunnerManager> managers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int m = 0; m < 2; m++) {
        RunnerManager rm = new RunnerManager("job-" + m, cluster.apis(), m, holders, holds);
        managers.add(rm);
        threads.add(Thread.ofPlatform().start(rm));
      }
      try {
        HaCluster.await("acquisitions", () -> cycles(managers) > 4);
        etcd.stop();
        Thread.sleep(2 * TTL.toMillis());
        etcd.startAgain();
        cluster.awaitLeader();
        long served = cycles(managers);
        HaCluster.await("acquisitions after etcd is back", () -> cycles(managers) > served + 4);
      } finally {
        managers.forEach(RunnerManager::stop);
        for (Thread t : threads) {
          t.join(HaCluster.BOUND.toMillis());
        }
      }
      for (RunnerManager rm : managers) {
        rm.assertNothingLostOrDoubled(cluster.logs());
      }
      assertNoHeldInstanceDeleted(cluster.cloud, holds);

      // status asked on the standby follows the NotLeader detail and says who is what.
      HaCluster.Node leader = cluster.awaitLeader();
      HaCluster.Node standby =
          cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
      DaemonProcess.CliResult status =
          DaemonProcess.cli(List.of("status", "--address", standby.api()));
      assertThat(status.status()).as(status.output()).isZero();
      assertThat(status.output())
          .contains(
              "node " + standby.name + ": standby; leader " + leader.name + " at " + leader.api())
          .contains("node " + leader.name + ": leader");
      // The leadership meters are exported.
      String leaderMetrics = leader.process.get("/metrics").body();
      assertThat(leaderMetrics)
          .contains("fleetscaler_ha_leader{shard=\"default\"} 1.0")
          .contains("fleetscaler_ha_transitions_total")
          .contains("fleetscaler_ha_lease_renew_seconds_count");
      assertThat(standby.process.get("/metrics").body())
          .contains("fleetscaler_ha_leader{shard=\"default\"} 0.0");
    }
  }

  static long cycles(List<RunnerManager> managers) {
    return managers.stream().mapToLong(m -> m.cycles.get()).sum();
  }

  static void signal(String name, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    assertThat(p.waitFor()).isZero();
  }

  /** No decrease named an instance while a runner manager held a slot on it. */
  static void assertNoHeldInstanceDeleted(
      Path cloud, ConcurrentLinkedQueue<RunnerManager.Hold> holds) throws Exception {
    for (FileCloudPlugin.Call c : FileCloudPlugin.calls(cloud)) {
      if (!c.method().equals("decrease")) {
        continue;
      }
      for (RunnerManager.Hold h : holds) {
        assertThat(
                c.ids().contains(h.instanceId())
                    && c.atMillis() > h.fromMillis()
                    && c.atMillis() < h.toMillis())
            .as("decrease %s at %d while %s held it", c.ids(), c.atMillis(), h)
            .isFalse();
      }
    }
  }

  static List<String> running(Path cloud) {
    return FileCloudPlugin.read(cloud).entrySet().stream()
        .filter(e -> e.getValue() != InstanceState.DELETING)
        .map(Map.Entry::getKey)
        .toList();
  }

  static List<String> knownByLeader(HaCluster.Node leader) {
    try (LeaderFollowingClient c =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(leader.api()))) {
      return c
          .call(
              s ->
                  s.withDeadlineAfter(5, TimeUnit.SECONDS)
                      .getFleet(GetFleetRequest.newBuilder().setGroup("ha").build()))
          .getGroups(0)
          .getInstancesList()
          .stream()
          .map(Instance::getId)
          .toList();
    }
  }
}
