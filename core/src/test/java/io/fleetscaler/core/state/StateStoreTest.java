package io.fleetscaler.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  static final String GROUP = "aws/eu-west-1/ci runners";

  static final String SECRET = "s3cr3t p@ss~word";

  static final ConnectInfo CONNECT =
      new ConnectInfo(
          "i-1",
          new ConnectorConfig(
              "linux",
              "amd64",
              Protocol.SSH,
              2222,
              "core",
              SECRET,
              null,
              true,
              Duration.ofSeconds(30),
              Duration.ZERO),
          "10.0.0.7",
          "",
          Instant.parse("2026-11-23T15:00:00Z"));

  /** A store over {@code store}'s file that saves through {@code save}. */
  static StateStore savingWith(StateStore store, Saver save) {
    return new StateStore() {
      @Override
      public Path file() {
        return store.file();
      }

      @Override
      public java.util.Optional<StoredState> load() throws IOException {
        return store.load();
      }

      @Override
      public void save(StoredState state) throws IOException {
        save.save(state);
      }
    };
  }

  /** What a test's store does on save. */
  interface Saver {
    void save(StoredState state) throws IOException;
  }

  static StoredState sample() {
    return new StoredState(
        GROUP,
        2,
        List.of(
            new StoredInstance(
                "i-1",
                3,
                2,
                null,
                List.of(new Holding("runner 1/job=7&x", 0, true), new Holding("k2", 1, false)),
                CONNECT),
            new StoredInstance("i-2", 0, 0, "idle_time", List.of())));
  }

  @Test
  void roundTripsWithPrivatePermissions(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("state");
    StateStore store = StateStore.open(dir, GROUP);
    assertThat(store.load()).isEmpty();

    store.save(sample());

    assertThat(store.load()).contains(sample());
    assertThat(StateStore.open(dir, GROUP).load()).contains(sample());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
    assertThat(store.file().getFileName().toString())
        .matches("aws_eu-west-1_ci_runners-[0-9a-f]{12}\\.state");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(store.file()); // no temporary file left behind
    }
  }

  @Test
  void expectedCreationsRoundTripAndAFileSavedBeforeThemLoadsWithNone(@TempDir Path dir)
      throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    Instant t1 = Instant.parse("2026-12-06T05:00:00Z");
    Instant t2 = Instant.parse("2026-12-06T05:00:02Z");
    StoredState expecting =
        new StoredState(GROUP, 2, sample().instances(), List.of(t1, t1, t2, t1));
    store.save(expecting);
    assertThat(store.load()).contains(expecting);
    assertThat(Files.readAllLines(store.file()))
        .contains("expect 2026-12-06T05:00:00Z 2", "expect 2026-12-06T05:00:02Z 1");

    // The format before expectations were kept: exactly these lines, which still load.
    Files.writeString(
        store.file(),
        """
        fleetscaler-state 1
        group aws%2Feu-west-1%2Fci+runners
        capacity 2
        instance i-2 claims=0 uses=0 deletion=idle_time
        end 1 0
        """);
    StoredState old = store.load().orElseThrow();
    assertThat(old.expectedCreations()).isEmpty();
    assertThat(old.instances()).containsExactly(sample().instances().get(1));
  }

  @Test
  void standbyMembersRoundTripAsSuchAndTheOldDeletionMarkerStillReads(@TempDir Path dir)
      throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    StoredState pooled =
        new StoredState(
            GROUP,
            2,
            List.of(
                StoredInstance.standbyMember("i-3", null),
                new StoredInstance("i-2", 0, 0, "idle_time", List.of())),
            List.of());
    store.save(pooled);
    assertThat(store.load()).contains(pooled);
    assertThat(Files.readAllLines(store.file()))
        .contains("instance i-3 claims=0 uses=0 deletion=- standby")
        .contains("instance i-2 claims=0 uses=0 deletion=idle_time");
    StoredInstance member = store.load().orElseThrow().instances().get(0);
    assertThat(member.standby()).isTrue();
    assertThat(member.deletion()).as("no longer a deletion that is not one").isNull();

    // A file saved when the marker lived in the deletion field: still a member.
    Files.writeString(
        store.file(),
        """
        fleetscaler-state 1
        group aws%2Feu-west-1%2Fci+runners
        capacity 2
        instance i-3 claims=0 uses=0 deletion=standby
        instance i-2 claims=0 uses=0 deletion=idle_time
        end 2 0
        """);
    List<StoredInstance> old = store.load().orElseThrow().instances();
    assertThat(old.get(0).isStandby()).isTrue();
    assertThat(old.get(1).isStandby()).isFalse();

    // Anything else after the deletion field is refused, as any malformed line.
    Files.writeString(
        store.file(),
        """
        fleetscaler-state 1
        group aws%2Feu-west-1%2Fci+runners
        capacity 2
        instance i-3 claims=0 uses=0 deletion=- suspended
        end 1 0
        """);
    assertThatThrownBy(store::load).hasMessageContaining("expected 'standby'");
  }

  @Test
  void groupsWithTheSameSlugGetDifferentFiles(@TempDir Path dir) throws IOException {
    assertThat(StateStore.open(dir, "a/b").file()).isNotEqualTo(StateStore.open(dir, "a_b").file());
  }

  @Test
  void refusesADirectoryOthersCanWrite(@TempDir Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> StateStore.open(dir, GROUP))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("writable by group or others")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void refusesAFileOthersCanRead(@TempDir Path dir) throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    store.save(sample());
    Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(store::load)
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void aTruncatedFileIsAnErrorNamingFileAndLine(@TempDir Path dir) throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    store.save(sample());
    List<String> lines = Files.readAllLines(store.file());
    Files.write(store.file(), lines.subList(0, lines.size() - 2));
    assertThatThrownBy(store::load)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(store.file() + ":" + (lines.size() - 1) + ":");
  }

  @Test
  void aMalformedConnectLineIsReportedWithoutItsSecrets(@TempDir Path dir) throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    store.save(sample());
    String text = Files.readString(store.file());
    assertThat(text).contains("connect ").doesNotContain(SECRET); // encoded, not in clear text
    Files.writeString(store.file(), text.replace(" static=true", " static=true extra"));
    assertThatThrownBy(store::load)
        .hasMessageContaining(":5:")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }

  @Test
  void aFileOfAnotherGroupIsRefused(@TempDir Path dir) throws IOException {
    StateStore store = StateStore.open(dir, GROUP);
    store.save(sample());
    StateStore other = StateStore.open(dir, "gcp/other");
    Files.copy(store.file(), other.file());
    assertThatThrownBy(other::load).hasMessageContaining("belongs to group " + GROUP);
  }

  @Test
  void groupCommitCompletesWaitersOnlyAfterASnapshotTakenAfterThem(@TempDir Path dir)
      throws Exception {
    StateStore store = StateStore.open(dir, GROUP);
    AtomicInteger version = new AtomicInteger();
    AtomicReference<Integer> savedVersion = new AtomicReference<>(-1);
    StateStore recording =
        savingWith(
            store,
            state -> {
              store.save(state);
              savedVersion.set(state.capacityPerInstance());
            });
    try (SnapshotWriter writer =
        SnapshotWriter.start(
            recording,
            () -> new StoredState(GROUP, 1 + version.get(), List.of()),
            Duration.ofHours(1))) {
      List<CompletableFuture<Void>> waits = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int v = version.incrementAndGet();
        CompletableFuture<Void> f = writer.changedDurably();
        waits.add(f.thenRun(() -> assertThat(savedVersion.get()).isGreaterThanOrEqualTo(1 + v)));
      }
      CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get();
      assertThat(store.load().orElseThrow().capacityPerInstance()).isEqualTo(51);
    }
  }

  @Test
  void aFailedSaveFailsTheWaitersAndTheNextChangeRetries(@TempDir Path dir) throws Exception {
    StateStore store = StateStore.open(dir, GROUP);
    AtomicInteger failuresLeft = new AtomicInteger(1);
    StateStore flaky =
        savingWith(
            store,
            state -> {
              if (failuresLeft.getAndDecrement() > 0) {
                throw new IOException("disk full");
              }
              store.save(state);
            });
    try (SnapshotWriter writer =
        SnapshotWriter.start(flaky, StateStoreTest::sample, Duration.ZERO)) {
      assertThatThrownBy(() -> writer.changedDurably().join()).hasRootCauseMessage("disk full");
      writer.changedDurably().join();
      assertThat(writer.failures()).isEqualTo(1);
      assertThat(store.load()).contains(sample());
    }
  }

  @Test
  void aSaveRefusedBecauseTheTermEndedIsOneWarningWithoutTraceNotAFailure(@TempDir Path dir)
      throws Exception {
    StateStore store = StateStore.open(dir, GROUP);
    StateStore fenced =
        savingWith(
            store,
            state -> {
              throw new TermEndedException("the term of revision 7 has ended");
            });
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
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
    Logger log = Logger.getLogger(SnapshotWriter.class.getName());
    log.addHandler(capture);
    try (SnapshotWriter writer =
        SnapshotWriter.start(fenced, StateStoreTest::sample, Duration.ZERO)) {
      for (int n = 0; n < 3; n++) {
        assertThatThrownBy(() -> writer.changedDurably().join())
            .hasRootCauseInstanceOf(TermEndedException.class);
      }
      assertThat(writer.failures()).isZero();
    } finally {
      log.removeHandler(capture);
    }
    // Three refused saves and the last one on close: one line, a warning with the cause, no trace.
    assertThat(records).hasSize(1);
    LogRecord r = records.get(0);
    assertThat(r.getLevel()).isEqualTo(Level.WARNING);
    assertThat(r.getThrown()).isNull();
    assertThat(new SimpleFormatter().formatMessage(r))
        .contains("the term of revision 7 has ended")
        .contains("no longer leads");
  }
}
