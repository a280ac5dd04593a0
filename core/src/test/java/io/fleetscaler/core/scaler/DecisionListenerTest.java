package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision listener sees exactly the decisions the snapshot keeps, and cannot stop scaling. */
class DecisionListenerTest {

  @Test
  void hearsEachRecordedDecisionInOrder() {
    List<Decision> heard = new ArrayList<>();
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(3)))
                    .maxInstances(10)
                    .capacityPerInstance(1)
                    .decisionListener(heard::add));
    h.scaler.tick();
    h.advance(Harness.BOOT);
    h.scaler.configure(List.of(Policy.of(0)));
    h.advance(Policy.DEFAULT_IDLE_TIME.plus(Harness.BOOT));

    assertThat(heard).isNotEmpty().isEqualTo(h.scaler.snapshot().recentDecisions());
    assertThat(heard.get(0).requested()).isEqualTo(3);
    assertThat(heard.get(0).created()).isEqualTo(3);
    assertThat(heard)
        .flatExtracting(Decision::deletions)
        .extracting(d -> d.reason())
        .containsOnly(DeletionReason.IDLE_TIME)
        .hasSize(3);
  }

  @Test
  void aThrowingListenerNeverStopsScaling() {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(2)))
                    .maxInstances(10)
                    .capacityPerInstance(1)
                    .decisionListener(
                        d -> {
                          throw new IllegalStateException("listener bug");
                        }));
    h.scaler.tick();
    h.advance(Harness.BOOT);
    assertThat(h.ready()).isEqualTo(2);
  }
}
