package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state store that cannot save: every failure is counted in {@code
 * fleetscaler_state_store_failures_total}, the acquisition that needed the save fails, the log says
 * so once for the whole streak (not once per save), and once more when saving works again.
 */
class StateStoreFailureTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger writerLog = Logger.getLogger("io.fleetscaler.core.state.SnapshotWriter");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLog() {
    writerLog.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    writerLog.removeHandler(capture);
  }

  private double failures() {
    return registry
        .get("fleetscaler.state.store.failures")
        .tag("op", "save")
        .functionCounter()
        .count();
  }

  private List<String> lines(Level level) {
    SimpleFormatter f = new SimpleFormatter();
    return records.stream().filter(r -> level.equals(r.getLevel())).map(f::formatMessage).toList();
  }

  @Test
  void failedSavesAreCountedFailTheirAcquisitionAndAreLoggedOncePerStreak() throws Exception {
    Harness h =
        new Harness(
            b ->
                b.maxInstances(4)
                    .policies(List.of(Policy.of(3)))
                    .stateStorage(dir)
                    .stateSaveDelay(Duration.ZERO)
                    .meterRegistry(registry));
    h.bootAll();
    assertThat(h.scaler.acquire("k1", Duration.ofMinutes(1))).succeedsWithin(BOUND);
    assertThat(failures()).isZero();
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.filter(p -> p.toString().endsWith(".state")).findFirst().orElseThrow();
    }
    // A non-empty directory where the state file goes: the atomic rename over it fails, whoever
    // runs the test (root included).
    Files.delete(file);
    Files.createDirectories(file.resolve("blocker"));

    CompletableFuture<Acquisition> second = h.scaler.acquire("k2", Duration.ofMinutes(1));
    assertThat(second)
        .failsWithin(BOUND)
        .withThrowableThat()
        .withMessageContaining("saving the scaler state failed");
    CompletableFuture<Acquisition> third = h.scaler.acquire("k3", Duration.ofMinutes(1));
    assertThat(third).failsWithin(BOUND);
    assertThat(failures()).isGreaterThanOrEqualTo(2);
    assertThat(lines(Level.SEVERE))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains("saving scaler state to " + file + " failed")
                    .contains("failed: java.nio.file."));

    Files.delete(file.resolve("blocker"));
    Files.delete(file);
    double failed = failures();
    assertThat(h.scaler.acquire("k4", Duration.ofMinutes(1))).succeedsWithin(BOUND);
    assertThat(failures()).isEqualTo(failed);
    assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l).contains("works again after"));
    assertThat(lines(Level.SEVERE)).hasSize(1);
    h.scaler.shutdown();
  }

  @Test
  void withoutStateStorageTheCounterExistsAtZero() {
    Harness h = new Harness(b -> b.meterRegistry(registry));
    assertThat(failures()).isZero();
    h.scaler.shutdown();
  }
}
