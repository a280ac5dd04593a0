package io.fleetscaler.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kit passes a correct group and catches each way of breaking the contract: it runs the kit
 * through the JUnit Platform against {@link ListGroup} with one fault switched on at a time.
 */
class ConformanceKitSelfTest {

  /** The fault the next kit run uses; the launcher runs the kit on this thread. */
  private static volatile ListGroup.Fault fault = ListGroup.Fault.NONE;

  /** Every group the kit asked for, and every group it released, in the last run. */
  private static final List<InstanceGroup> MADE = new CopyOnWriteArrayList<>();

  private static final List<InstanceGroup> RELEASED = new CopyOnWriteArrayList<>();

  /** The kit against {@link ListGroup}; static and nested so surefire does not run it directly. */
  static class KitAgainstListGroup extends InstanceGroupConformanceKit {
    private final Map<String, InstanceState> cloud = ListGroup.newCloud();

    @Override
    protected InstanceGroup newGroup() {
      InstanceGroup group = new ListGroup(fault, cloud);
      MADE.add(group);
      return group;
    }

    @Override
    protected void release(InstanceGroup group) {
      RELEASED.add(group);
    }

    @Override
    protected String validConfig() {
      return "{\"max_size\":4}";
    }

    @Override
    protected List<String> invalidConfigs() {
      return List.of("{\"max_size\":0}", "{\"colour\":\"red\"}");
    }

    @Override
    protected void letTimePass(Duration duration) {
      // Transitions are instant.
    }

    @Override
    protected int maxPolls() {
      return 3;
    }
  }

  private static TestExecutionSummary runKit(ListGroup.Fault f) {
    fault = f;
    MADE.clear();
    RELEASED.clear();
    try {
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(
          LauncherDiscoveryRequestBuilder.request()
              .selectors(selectClass(KitAgainstListGroup.class))
              .build(),
          listener);
      return listener.getSummary();
    } finally {
      fault = ListGroup.Fault.NONE;
    }
  }

  private static Set<String> failed(TestExecutionSummary summary) {
    return summary.getFailures().stream()
        .map(failure -> failure.getTestIdentifier().getDisplayName())
        .collect(Collectors.toSet());
  }

  @Test
  void aCorrectGroupPassesEveryCheck() {
    TestExecutionSummary summary = runKit(ListGroup.Fault.NONE);
    assertThat(failed(summary)).isEmpty();
    assertThat(summary.getTestsSucceededCount()).isGreaterThanOrEqualTo(15);
    assertThat(summary.getTestsAbortedCount()).isZero();
  }

  @Test
  void everyGroupTheKitMadeIsReleasedOnce() {
    runKit(ListGroup.Fault.NONE);
    assertThat(MADE).hasSizeGreaterThan(15);
    assertThat(RELEASED).containsExactlyInAnyOrderElementsOf(MADE);
  }

  @ParameterizedTest
  @EnumSource(value = ListGroup.Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void eachBrokenContractFailsTheCheckThatStatesIt(ListGroup.Fault f) {
    String expected =
        switch (f) {
          case NONE -> throw new AssertionError("excluded");
          case INIT_ACCEPTS_ANYTHING -> "rejects {\"colour\":\"red\"}";
          case INCREASE_OVERSHOOTS ->
              "increaseShowsExactlyThatManyNewInstancesCreatingThenRunning()";
          case INCREASE_IGNORES_MAX_SIZE -> "increaseAtTheSizeLimitReturnsAtMostWhatFits()";
          case DECREASE_TAKES_ANOTHER -> "decreaseRemovesExactlyTheNamedInstances()";
          case DECREASE_REJECTS_GONE_IDS -> "decreaseIsIdempotent()";
          case UPDATE_LISTS_TWICE -> "updateListsEveryInstanceOnceAndKeepsRunningOnesRunning()";
          case CONNECT_INFO_OF_UNKNOWN_SUCCEEDS -> "connectInfoOfAnUnknownIdIsNotFound()";
          case HEARTBEAT_OF_UNKNOWN_PASSES -> "heartbeatOfAnUnknownIdIsNotFound()";
          case SHUTDOWN_DELETES -> "shutdownLeavesInstancesInPlace()";
          case SUSPEND_SILENTLY_IGNORED -> "suspendAndResumeFollowTheDeclaredCapability()";
        };
    assertThat(failed(runKit(f))).contains(expected);
  }
}
