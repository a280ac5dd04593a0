package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's {@link TaskScaler} on a {@link GcpInstanceGroup} over the fake Compute, driven by
 * explicit ticks under one manual clock shared by the scaler, the plugin and the fake. Instances
 * take realistic time to boot (the clock moves 10 seconds between ticks while waiting for them);
 * every outcome is checked in the fake's group itself, not only in the scaler's view.
 */
class GcpTaskScalerTest {
  private static final Duration IDLE_TIME = Duration.ofMinutes(10);
  private static final Duration JOB_TIMEOUT = Duration.ofHours(1);
  private static final Duration BETWEEN_TICKS = Duration.ofSeconds(10);
  private static final int MAX_TICKS = 30;

  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
          new ComputeModel.Latencies(
              Duration.ofSeconds(20),
              Duration.ofSeconds(10),
              Duration.ofSeconds(30),
              Duration.ofSeconds(20),
              Duration.ZERO));
  private final ComputeModel.Group group = gcp.zonal(GcpFixture.GROUP);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<TaskScaler> scalers = new ArrayList<>();

  @AfterEach
  void close() {
    scalers.forEach(TaskScaler::close);
    gcp.close();
  }

  @Test
  void scalesUpFromZeroConnectsAndScalesInWithDeleteInstancesAndNoReplacement() {
    TaskScaler scaler = scaler(3);
    assertThat(group.targetSize).isZero();

    CompletableFuture<Acquisition> first = scaler.acquire("job-1", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("job-2", JOB_TIMEOUT);
    assertThat(group.targetSize).as("waiting acquisitions resize at once").isEqualTo(2);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    Acquisition one = first.join();
    Acquisition two = second.join();
    assertThat(List.of(one.instanceId(), two.instanceId()))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(vmIds());

    ConnectInfo where = one.connectInfo();
    ComputeModel.Vm vm = vm(one.instanceId());
    assertThat(where.internalAddr()).isEqualTo(vm.networkIp);
    assertThat(where.externalAddr()).isEqualTo(vm.natIp);
    assertThat(where.connector().privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(vm.metadata.get("ssh-keys")).contains("google-ssh {\"userName\":\"fleetscaler\"");

    assertThat(scaler.release("job-1")).isTrue();
    assertThat(scaler.release("job-2")).isTrue();
    gcp.clock.advance(IDLE_TIME.minusSeconds(1));
    scaler.tick();
    assertThat(group.targetSize).as("not idle long enough").isEqualTo(2);

    gcp.clock.advance(Duration.ofSeconds(1));
    tickUntil(scaler, () -> scaler.snapshot().instances().isEmpty(), "the scaler forgets both");
    assertThat(group.targetSize).as("deleteInstances lowered the target size").isZero();
    assertThat(vmIds()).isEmpty();
    assertThat(count("fleetscaler.instance.deletions", "idle_time")).isEqualTo(2);
    assertThat(resizes()).as("only ever resized up, one per waiting job").containsExactly(1, 2);
    assertThat(deleteInstancesCalls()).isPositive();
    scaler.tick();
    assertThat(vmIds()).as("no replacement").isEmpty();
  }

  @Test
  void anInstanceDeletedBehindItsBackCancelsItsHolderOnce() {
    TaskScaler scaler = scaler(3);
    CompletableFuture<Acquisition> first = scaler.acquire("lost", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("kept", JOB_TIMEOUT);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    Acquisition lost = first.join();
    Acquisition kept = second.join();
    List<String> causes = new ArrayList<>();
    lost.cancellation().thenAccept(causes::add);

    // An operator deletes the VM in the console, which deletes it from the group.
    gcp.compute.model().deleteBehindTheBack(vm(lost.instanceId()));
    gcp.clock.advance(Duration.ofMinutes(1));
    tickUntil(scaler, () -> !causes.isEmpty(), "the holder is told");

    assertThat(causes).singleElement().asString().contains(lost.instanceId()).contains("vanished");
    assertThat(kept.cancelCause()).isNull();
    assertThat(scaler.release("lost")).isFalse();
    tickUntil(scaler, () -> ids(scaler).equals(List.of(kept.instanceId())), "only the kept one");
    assertThat(vmIds()).containsExactly(kept.instanceId());
    assertThat(group.targetSize).isOne();
    assertThat(count("fleetscaler.instances.vanished", null)).isEqualTo(1);
    scaler.tick();
    assertThat(count("fleetscaler.instances.vanished", null)).as("counted once").isEqualTo(1);
    assertThat(scaler.release("kept")).isTrue();
  }

  @Test
  void neverAsksTheGroupForMoreThanMaxInstances() {
    TaskScaler scaler = scaler(2);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(scaler.acquire("job-" + i, JOB_TIMEOUT));
    }
    assertThat(group.targetSize).isEqualTo(2);
    tickUntil(scaler, () -> jobs.get(0).isDone() && jobs.get(1).isDone(), "two jobs placed");
    for (int i = 0; i < 3; i++) {
      scaler.tick();
    }
    assertThat(jobs.get(2)).isNotDone();
    assertThat(group.targetSize).isEqualTo(2);
    assertThat(scaler.snapshot().recentDecisions().getLast().notScaledBecause())
        .isEqualTo("max_instances");
    String freed = jobs.get(0).join().instanceId();
    assertThat(scaler.release("job-0")).isTrue();
    assertThat(jobs.get(2).join().instanceId()).isEqualTo(freed);
    assertThat(resizes()).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(2));
  }

  private TaskScaler scaler(int maxInstances) {
    ConnectorConfig connector =
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    TaskScaler scaler =
        TaskScaler.builder(gcp.newGroup())
            .plugin(new Settings(connector), gcp.zonalConfig(GcpFixture.GROUP))
            .maxInstances(maxInstances)
            .policies(List.of(Policy.of(0).withIdleTime(IDLE_TIME)))
            .clock(gcp.clock)
            .randomSeed(7)
            .meterRegistry(meters)
            .manualTicks()
            .build();
    scalers.add(scaler);
    return scaler;
  }

  /** Ticks until {@code done}, moving the clock between ticks so instances can boot. */
  private void tickUntil(TaskScaler scaler, BooleanSupplier done, String what) {
    for (int i = 0; i < MAX_TICKS; i++) {
      scaler.tick();
      if (done.getAsBoolean()) {
        return;
      }
      gcp.clock.advance(BETWEEN_TICKS);
    }
    throw new AssertionError(
        "not reached after " + MAX_TICKS + " ticks: " + what + "; scaler: " + scaler.snapshot());
  }

  private static List<String> ids(TaskScaler scaler) {
    return scaler.snapshot().instances().stream().map(InstanceInfo::id).toList();
  }

  private List<String> vmIds() {
    return gcp.compute.model().vms(group).stream().map(v -> v.zone + "/" + v.name).toList();
  }

  private ComputeModel.Vm vm(String id) {
    String[] parts = id.split("/", 2);
    return gcp.compute.model().vm(GcpFixture.PROJECT, parts[0], parts[1]).orElseThrow();
  }

  private List<Integer> resizes() {
    return gcp.compute.requests().stream()
        .filter(r -> r.path().endsWith("/resize"))
        .map(r -> Integer.parseInt(r.query().get("size")))
        .toList();
  }

  private long deleteInstancesCalls() {
    return gcp.compute.requests().stream()
        .filter(r -> r.path().endsWith("/deleteInstances"))
        .count();
  }

  private double count(String meter, @Nullable String reason) {
    var search = meters.find(meter);
    if (reason != null) {
      search = search.tag("reason", reason);
    }
    var counter = search.functionCounter();
    assertThat(counter).as("meter %s reason %s", meter, reason).isNotNull();
    return counter == null ? Double.NaN : counter.count();
  }
}
