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
}
