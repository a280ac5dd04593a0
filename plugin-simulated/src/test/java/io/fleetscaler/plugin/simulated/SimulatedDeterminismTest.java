package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Same seed, same calls, same clock: same results; and the group's invariants hold for any sequence
 * of calls.
 */
class SimulatedDeterminismTest {

  /** One step of a scripted run; {@code arg} is a count, a duration in seconds or an index. */
  record Step(int kind, int arg) {}

  private static final SimulatedOptions NOISY =
      SimulatedOptions.defaults()
          .withMaxSize(8)
          .withCapacityLimit(6)
          .withCreateLatency(new Latency(Duration.ofSeconds(5), Duration.ofSeconds(30)))
          .withDeleteLatency(new Latency(Duration.ofSeconds(1), Duration.ofSeconds(10)))
          .withBootFailureProbability(0.2)
          .withLossRatePerHour(20)
          .withSuspendResume(true);

  @Provide
  Arbitrary<Step> steps() {
    return Arbitraries.integers()
        .between(0, 6)
        .flatMap(kind -> Arbitraries.integers().between(1, 40).map(arg -> new Step(kind, arg)));
  }

  @Property(tries = 200)
  void theSameSeedAndCallsGiveTheSameHistory(
      @ForAll @Size(max = 60) List<@From("steps") Step> script, @ForAll long seed) {
    SimulatedOptions options = NOISY.withSeed(seed);
    assertThat(run(options, script)).isEqualTo(run(options, script));
  }

  @Property(tries = 200)
  void decreaseTouchesOnlyTheNamedAndTheGroupNeverExceedsItsLimits(
      @ForAll @Size(max = 60) List<@From("steps") Step> script, @ForAll long seed) {
    ManualClock clock = new ManualClock();
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    group.init(Settings.defaults(), NOISY.withSeed(seed).toJson());
    for (Step step : script) {
      if (step.kind() == 2) {
        Map<String, InstanceState> before = states(group.snapshot());
        List<String> known = List.copyOf(before.keySet());
        if (known.isEmpty()) {
          continue;
        }
        String victim = known.get(step.arg() % known.size());
        assertThat(group.decrease(List.of(victim))).containsExactly(victim);
        Map<String, InstanceState> after = states(group.snapshot());
        before.remove(victim);
        after.remove(victim);
        assertThat(after).isEqualTo(before);
      } else {
        apply(group, clock, step, new ArrayList<>());
      }
      List<InstanceStatus> listed = group.update();
      Set<String> ids = new HashSet<>();
      listed.forEach(s -> assertThat(ids.add(s.id())).as("unique id %s", s.id()).isTrue());
      long live =
          group.snapshot().stream().filter(s -> s.state() != InstanceState.DELETING).count();
      assertThat(live).isLessThanOrEqualTo(NOISY.capacityLimit());
    }
  }

  private static List<String> run(SimulatedOptions options, List<Step> script) {
    ManualClock clock = new ManualClock();
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    group.init(Settings.defaults(), options.toJson());
    List<String> trace = new ArrayList<>();
    for (Step step : script) {
      apply(group, clock, step, trace);
      trace.add(group.update().toString());
    }
    return trace;
  }

  private static void apply(
      SimulatedInstanceGroup group, ManualClock clock, Step step, List<String> trace) {
    List<String> known = group.snapshot().stream().map(InstanceStatus::id).toList();
    String someone = known.isEmpty() ? "none" : known.get(step.arg() % known.size());
    try {
      switch (step.kind()) {
        case 0 -> trace.add("increase " + group.increase(1 + step.arg() % 4));
        case 1 -> clock.advance(Duration.ofSeconds(step.arg()));
        case 2 -> trace.add("decrease " + group.decrease(List.of(someone)));
        case 3 -> trace.add("lose " + group.loseInstance(someone));
        case 4 -> trace.add("suspend " + group.suspend(List.of(someone)));
        case 5 -> trace.add("resume " + group.resume(List.of(someone)));
        default -> clock.advance(Duration.ofMinutes(step.arg()));
      }
    } catch (ProviderException e) {
      trace.add(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static Map<String, InstanceState> states(List<InstanceStatus> list) {
    return list.stream()
        .collect(
            Collectors.toMap(
                InstanceStatus::id, InstanceStatus::state, (a, b) -> a, LinkedHashMap::new));
  }
}
