package io.fleetscaler.daemon.ha;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Helpers for tests against a real etcd. */
final class EtcdTesting {
  static final Duration BOUND = Duration.ofSeconds(30);

  private EtcdTesting() {}

  /** Settings under their own key prefix, so tests sharing one etcd do not meet. */
  static HaSettings settings(URI endpoint, String prefix, String node, Duration ttl) {
    return new HaSettings(
        List.of(endpoint),
        ttl,
        "/fleetscaler-test/" + prefix,
        HaSettings.DEFAULT_ELECTION,
        node,
        "127.0.0.1:" + (10_000 + Math.floorMod(node.hashCode(), 1000)),
        null,
        null,
        null,
        null,
        null);
  }

  /** Waits (bounded: these are external processes) until {@code condition} holds. */
  static void await(String what, Duration bound, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + bound + ": " + what);
      }
      Thread.sleep(20);
    }
  }
}
