package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of reserve, acquire, release, unreserve, time passing and crash-restart against
 * a model. A crash takes the state file as it is on disk at that moment (whatever the background
 * writer has saved, nothing more) and starts a new scaler from it over the same cloud. Whatever the
 * sequence: every acquisition the model holds comes back to its key on the same slot, and no slot
 * is ever held by two of the model's keys.
 */
class CrashRestartPropertiesTest {
  static final int KEYS = 6;

  /** What the model knows a key holds: its slot, and whether it is acquired. */
  record Held(String instanceId, int slot, boolean acquired) {}

  @Property(tries = 150)
  void neverDoublesOrLosesAnAcquisition(
      @ForAll @Size(min = 1, max = 70) List<@IntRange(min = 0, max = 6 * KEYS - 1) Integer> steps,
      @ForAll boolean keepInstances)
      throws Exception {
    Path root = Files.createTempDirectory("fleetscaler-crash-property");
    ManualClock clock = new ManualClock();
    RecordingCloud cloud = new RecordingCloud(clock);
    Map<String, Held> model = new HashMap<>();
    int generation = 0;
    TaskScaler scaler = start(root, generation, cloud, clock, keepInstances);
    try {
      scaler.tick();
      scaler.tick();
      scaler.tick();
      for (int step : steps) {
        String key = "k" + step % KEYS;
        switch (step / KEYS) {
          case 0 -> {
            if (scaler.reserve(key) == ReserveResult.RESERVED && !model.containsKey(key)) {
              model.put(key, null); // placed later: the slot is learnt at acquire
            }
          }
          case 1 -> acquire(scaler, key, model);
          case 2 -> {
            Held h = model.get(key);
            if (h != null && h.acquired()) {
              assertThat(scaler.release(key)).isTrue();
              model.remove(key);
            }
          }
          case 3 -> {
            if (model.containsKey(key) && model.get(key) == null) {
              scaler.unreserve(key);
              model.remove(key);
            }
          }
          case 4 -> {
            clock.advance(Duration.ofSeconds(20));
            scaler.tick();
          }
          default -> {
            Path next = crashCopy(root, generation, generation + 1);
            generation++;
            scaler.shutdown(); // after the copy: its last save does not reach the new directory
            scaler = start(root, generation, cloud, clock, keepInstances);
            scaler.tick();
            // Reservations are saved lazily: one may be lost, which only costs the key a fresh
            // claim. Acquisitions may not be.
            model.values().removeIf(h -> h == null);
            for (Map.Entry<String, Held> e : model.entrySet()) {
              Acquisition a = scaler.acquire(e.getKey(), Duration.ZERO).get(5, TimeUnit.SECONDS);
              assertThat(new Held(a.instanceId(), a.slot(), true))
                  .as("acquisition of %s after a restart from %s", e.getKey(), next)
                  .isEqualTo(e.getValue());
            }
          }
        }
        assertDistinct(model);
      }
    } finally {
      scaler.shutdown();
      deleteTree(root);
    }
  }

  private static void acquire(TaskScaler scaler, String key, Map<String, Held> model)
      throws Exception {
    Held before = model.get(key);
    if (before != null && before.acquired()) {
      return;
    }
    CompletableFuture<Acquisition> f = scaler.acquire(key, Duration.ZERO);
    scaler.tick(); // a waiting acquisition is refused at the tick: its timeout has passed
    Acquisition a;
    try {
      a = f.get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return; // no capacity
    }
    model.put(key, new Held(a.instanceId(), a.slot(), true));
  }

  private static void assertDistinct(Map<String, Held> model) {
    Map<String, String> bySlot = new HashMap<>();
    model.forEach(
        (key, h) -> {
          if (h != null) {
            String other = bySlot.put(h.instanceId() + "#" + h.slot(), key);
            assertThat(other).as("slot %s held by %s and %s", h, key, other).isNull();
          }
        });
  }

  private static TaskScaler start(
      Path root, int generation, RecordingCloud cloud, ManualClock clock, boolean keep) {
    return TaskScaler.builder(cloud)
        .clock(clock)
        .manualTicks()
        .randomSeed(5)
        .capacityPerInstance(2)
        .maxUseCount(4)
        .maxInstances(3)
        .keepInstanceWithAcquisitions(keep)
        .stateSaveDelay(Duration.ofMillis(1))
        .policies(List.of(Policy.of(2).withIdleTime(Duration.ofMinutes(1))))
        .stateStorage(root.resolve("g" + generation))
        .build();
  }

  /** The state file as it is on disk now, copied into the next generation's directory. */
  private static Path crashCopy(Path root, int from, int to) throws IOException {
    Path target = root.resolve("g" + to);
    Files.createDirectory(
        target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = StateStore.open(root.resolve("g" + from), RecordingCloud.GROUP_ID).file();
    if (Files.exists(file)) {
      Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    }
    return target;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
