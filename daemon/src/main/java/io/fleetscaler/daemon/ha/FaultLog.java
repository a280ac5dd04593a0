package io.fleetscaler.daemon.ha;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Logs a fault with etcd once when it starts and once when it clears, not at every retry: an etcd
 * outage must be visible without flooding the log.
 */
final class FaultLog {
  private final System.Logger log;
  private final AtomicBoolean failing = new AtomicBoolean();

  FaultLog(System.Logger log) {
    this.log = log;
  }

  /** Notes a failure; logs it if it is the first since the last success. */
  void report(String what, StatusRuntimeException e) {
    report(what, e.getStatus().getCode() + " " + e.getStatus().getDescription());
  }

  /** Notes an unexpected failure (not an etcd status); logs it as {@link #report} does. */
  void report(String what, RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      report(what, s);
    } else {
      report(what, e.toString());
    }
  }

  private void report(String what, String cause) {
    if (failing.compareAndSet(false, true)) {
      log.log(
          System.Logger.Level.WARNING, what + ": " + cause + " (logged once until it recovers)");
    }
  }

  /** Notes a success; logs the recovery if a failure was logged. */
  void clear() {
    if (failing.compareAndSet(true, false)) {
      log.log(System.Logger.Level.INFO, "etcd answers again");
    }
  }
}
