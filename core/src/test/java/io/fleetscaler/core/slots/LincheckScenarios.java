package io.fleetscaler.core.slots;

import java.lang.reflect.Method;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;

/**
 * Hand-written Lincheck scenarios: an initial sequential part, then threads of operations, all
 * named by method. Model checking explores the interleavings of each exhaustively within its
 * budget, so a scenario aimed at a race checks that race rather than waiting for a random generator
 * to stumble on it.
 */
final class LincheckScenarios {
  private LincheckScenarios() {}

  /** {@code init} runs first on one thread; then each of {@code threads} on its own thread. */
  static ExecutionScenario scenario(Class<?> test, List<String> init, List<List<String>> threads) {
    return new ExecutionScenario(
        actors(test, init), threads.stream().map(t -> actors(test, t)).toList(), List.of(), null);
  }

  private static List<Actor> actors(Class<?> test, List<String> names) {
    return names.stream().map(n -> actor(test, n)).toList();
  }

  private static Actor actor(Class<?> test, String name) {
    try {
      Method method = test.getMethod(name);
      return new Actor(method, List.of(), false, false, false, false, false);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("no operation " + name + " on " + test.getName(), e);
    }
  }
}
