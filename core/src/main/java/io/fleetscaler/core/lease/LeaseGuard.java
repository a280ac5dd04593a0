package io.fleetscaler.core.lease;

/**
 * Says whether this process surely holds the right to act: to call its plugins (which change the
 * cloud) and to serve acquisitions.
 *
 * <p>Contract: {@link #holds} is cheap (a volatile read and a clock read), never blocks and never
 * throws, so a scaler can ask before every plugin call and on the request path. {@code true} means
 * "surely still the leader for at least a safety margin"; {@code false} means "not sure", which is
 * not the same as "deposed": the caller skips the action (it does not fail the fleet), and asks
 * again later. A caller checks immediately before acting, never caches the answer: the answer can
 * turn false between two calls, and a pause between the check and the action is a window no check
 * in this process can close: the daemon closes it for plugin calls by sending the lease's remaining
 * validity with each call, for the plugin to check on arrival (see its high-availability notes).
 */
@FunctionalInterface
public interface LeaseGuard {

  /** Whether acting now is safe. */
  boolean holds();

  /** The guard of a process that is alone: it always holds. */
  static LeaseGuard alone() {
    return () -> true;
  }
}
