package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.Deletion;
import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.scaler.Decision;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionLogTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void saysWhatWasDoneAndWhy() {
    assertThat(DecisionLog.line("g", new Decision(T, 3, 2, List.of(), 7, 4, "quota")))
        .isEqualTo(
            "group g: scale up: 7 slots wanted need 4 instances; requested 3, created 2; not"
                + " scaled: quota");
    assertThat(
            DecisionLog.line(
                "g",
                new Decision(
                    T,
                    0,
                    0,
                    List.of(
                        new Deletion("i-1", DeletionReason.IDLE_TIME),
                        new Deletion("i-2", DeletionReason.MAX_USE)),
                    0,
                    0,
                    "")))
        .isEqualTo(
            "group g: scale down: 0 slots wanted need 0 instances; deleting i-1 (idle_time), i-2"
                + " (max_use)");
    assertThat(DecisionLog.line("g", new Decision(T, 0, 0, List.of(), 30, 15, "max_instances")))
        .isEqualTo("group g: hold: 30 slots wanted need 15 instances; not scaled: max_instances");
  }

  @Test
  void aHoldAtTheCapSaysWhatTheSlotsNeedAndWhatTheCapIs() {
    assertThat(
            DecisionLog.line(
                "g", 2, 10, new Decision(T, 0, 0, List.of(), 502, 10, "max_instances")))
        .isEqualTo(
            "group g: hold: 502 slots wanted need 251 instances, capped at max_instances 10; not"
                + " scaled: max_instances");
  }

  @Test
  void fiveHundredWaitingAcquisitionsWriteOneHoldLine() {
    List<String> lines = new java.util.ArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("io.fleetscaler.daemon.scaling");
    java.util.logging.Handler h =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            lines.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(h);
    try {
      DecisionLog log = new DecisionLog("g", 2, 10);
      // 500 acquisitions arriving within 0.6 s, each planning once, the fleet at its cap.
      for (int i = 0; i < 500; i++) {
        log.accept(new Decision(T.plusMillis(i), 0, 0, List.of(), 3 + i, 10, "max_instances"));
      }
      assertThat(lines).hasSize(1);
      // Half a minute later the next hold is logged, saying how many were left out.
      log.accept(new Decision(T.plusSeconds(31), 0, 0, List.of(), 600, 10, "max_instances"));
      assertThat(lines).hasSize(2);
      assertThat(lines.get(1))
          .isEqualTo(
              "group g: hold: 600 slots wanted need 300 instances, capped at max_instances 10;"
                  + " not scaled: max_instances (499 holds with other slot counts not logged)");
      // A creation is always logged.
      log.accept(new Decision(T.plusSeconds(32), 1, 1, List.of(), 601, 10, ""));
      assertThat(lines).hasSize(3);
    } finally {
      logger.removeHandler(h);
    }
  }
}
