package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.core.state.StoredState;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM running a scaler with state storage with SIGKILL in the middle of its work — inside
 * an increase, inside a decrease, right as an acquisition is asked for, or at a random moment —
 * then restarts the scaler on the same cloud and state directory and checks that every instance is
 * adopted, every acquisition the killed JVM had handed out comes back to its key on the same slot,
 * no slot is held twice, use counts cover every acquisition, and no instance is left unknown.
 * Iterations chain: each restart's state is the next child's starting point.
 */
class CrashRestartTest {
  static final int ITERATIONS = 40;
  static final long SEED = 20_261_123L;

  @TempDir Path tmp;

  /** Acquisitions handed out and not yet asked to be released, by key. */
  final Map<String, Holding> held = new HashMap<>();

  final Map<String, String> instanceOf = new HashMap<>();

  /** Acquisitions ever handed out, by instance: the use count may never be below it. */
  final Map<String, Integer> acquiredOn = new HashMap<>();

  int restoredChecked;
  int killPointsHit;

  @Test
  void killedMidOperationLosesAndDoublesNothing() throws Exception {
    Path stateDir = tmp.resolve("state");
    Path cloudFile = tmp.resolve("cloud.txt");
    Random random = new Random(SEED);
    Map<String, Integer> byMode = new HashMap<>();
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      String mode = List.of("increase", "decrease", "acquire", "timer").get(random.nextInt(4));
      byMode.merge(mode, 1, Integer::sum);
      runChildUntilKilled(stateDir, cloudFile, random.nextLong(), "it" + iteration, mode, random);
      verifyRestart(stateDir, cloudFile, "iteration " + iteration + " (" + mode + ")");
    }
    assertThat(byMode).containsKeys("increase", "decrease", "acquire", "timer");
    // The kills must land mid-work with jobs running, or the test proves nothing.
    assertThat(killPointsHit).isGreaterThanOrEqualTo(byMode.getOrDefault("increase", 0) / 2);
    assertThat(restoredChecked).isGreaterThanOrEqualTo(ITERATIONS);
    System.out.printf(
        "crash test: %d kills %s, %d kill points hit, %d held acquisitions checked after restart%n",
        ITERATIONS, byMode, killPointsHit, restoredChecked);
  }

  private void runChildUntilKilled(
      Path stateDir, Path cloudFile, long seed, String prefix, String mode, Random random)
      throws IOException, InterruptedException {
    int killOn = 1 + random.nextInt(3);
    String killOp = mode.equals("increase") || mode.equals("decrease") ? mode : "none";
    long timerMillis = 20L + random.nextInt(300);
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                stateDir.toString(),
                cloudFile.toString(),
                Long.toString(seed),
                prefix,
                killOp,
                Integer.toString(killOn))
            .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("child.err").toFile()))
            .start();
    AtomicBoolean killed = new AtomicBoolean();
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    // Bounded: a child that never reaches its kill point is killed anyway.
                    if (!child.waitFor(20, TimeUnit.SECONDS)) {
                      child.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    int acquiring = 0;
    long readyAt = Long.MAX_VALUE;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = readLine(in, killed)) != null) {
        String[] f = line.split(" ", -1);
        switch (f[0]) {
          case "READY" -> readyAt = System.nanoTime();
          case "ACQ" -> {
            held.put(f[1], new Holding(f[1], Integer.parseInt(f[3]), true));
            instanceOf.put(f[1], f[2]);
            acquiredOn.merge(f[2], 1, Integer::sum);
          }
          case "RELEASING" -> {
            held.remove(f[1]);
            instanceOf.remove(f[1]);
          }
          case "ACQUIRING" -> {
            if (mode.equals("acquire") && ++acquiring == killOn * 3) {
              kill(child, killed);
            }
          }
          case "KILLPOINT" -> {
            killPointsHit++;
            kill(child, killed);
          }
          case "DONE" -> kill(child, killed);
          default -> {}
        }
        if (mode.equals("timer")
            && System.nanoTime() - readyAt > TimeUnit.MILLISECONDS.toNanos(timerMillis)) {
          kill(child, killed);
        }
      }
    }
    child.waitFor();
    watchdog.interrupt();
    assertThat(killed)
        .as("child was killed, not crashed; see " + tmp.resolve("child.err"))
        .isTrue();
  }

  /** The next line, or null at the end or once the child is killed (which closes the stream). */
  private static @Nullable String readLine(BufferedReader in, AtomicBoolean killed)
      throws IOException {
    try {
      return in.readLine();
    } catch (IOException e) {
      if (killed.get()) {
        return null;
      }
      throw e;
    }
  }

  private static void kill(Process child, AtomicBoolean killed) {
    if (killed.compareAndSet(false, true)) {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no last save
    }
  }

  private void verifyRestart(Path stateDir, Path cloudFile, String when) throws IOException {
    StoredState saved = StateStore.open(stateDir, FileCloud.GROUP_ID).load().orElseThrow();
    Set<String> slotsSeen = new HashSet<>();
    Map<String, StoredInstance> savedById = new HashMap<>();
    for (StoredInstance i : saved.instances()) {
      savedById.put(i.id(), i);
      for (Holding h : i.holdings()) {
        assertThat(slotsSeen.add(i.id() + "#" + h.index()))
            .as(when + ": slot saved twice")
            .isTrue();
      }
      if (i.deletion() == null) {
        assertThat(i.claims())
            .as(when + ": use count of " + i.id())
            .isGreaterThanOrEqualTo(acquiredOn.getOrDefault(i.id(), 0));
      }
    }

    ManualClock clock = new ManualClock(ManualClock.DEFAULT_START.plus(Duration.ofDays(1)));
    FileCloud cloud = new FileCloud(cloudFile, op -> {});
    TaskScaler scaler = CrashChild.options(TaskScaler.builder(cloud), clock, stateDir).build();
    try {
      scaler.tick();
      for (Map.Entry<String, Holding> e : held.entrySet()) {
        Acquisition a = scaler.acquire(e.getKey(), Duration.ZERO).join();
        assertThat(List.of(a.instanceId(), a.slot()))
            .as(when + ": acquisition " + e.getKey() + " comes back to its key")
            .containsExactly(instanceOf.get(e.getKey()), e.getValue().index());
        restoredChecked++;
      }
      assertThat(scaler.snapshot().slots().acquired() + scaler.snapshot().slots().reserved())
          .as(when + ": held slots after adoption")
          .isGreaterThanOrEqualTo(held.size());
      Map<String, InstanceState> inCloud = FileCloud.read(cloudFile);
      for (InstanceInfo info : scaler.snapshot().instances()) {
        StoredInstance before = savedById.get(info.id());
        if (before != null) {
          // Known before the kill: adopted, never mistaken for an unknown instance.
          assertThat(info.phase())
              .as(when + ": " + info.id())
              .isNotEqualTo(InstancePhase.PREEXISTING);
          if (before.deletion() == null && inCloud.get(info.id()) == InstanceState.RUNNING) {
            assertThat(info.phase())
                .as(when + ": " + info.id())
                .isIn(InstancePhase.READY, InstancePhase.DRAINING);
          }
        }
      }
      // Jobs end: give back everything, known to the test or saved before the kill.
      for (StoredInstance i : saved.instances()) {
        for (Holding h : i.holdings()) {
          scaler.release(h.key());
        }
      }
      held.clear();
      instanceOf.clear();
      for (int t = 0; t < 3; t++) {
        clock.advance(Duration.ofSeconds(2));
        scaler.tick();
      }
      Set<String> known = new HashSet<>();
      for (InstanceInfo info : scaler.snapshot().instances()) {
        if (info.phase() != InstancePhase.PREEXISTING) {
          known.add(info.id());
        }
      }
      FileCloud.read(cloudFile)
          .forEach(
              (id, state) -> {
                if (state != InstanceState.DELETING) {
                  assertThat(known).as(when + ": instance " + id + " is leaked").contains(id);
                }
              });
    } finally {
      scaler.shutdown();
    }
  }
}
