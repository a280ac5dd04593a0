package io.fleetscaler.plugin.sdk;

/**
 * How much longer a plugin may act on a call sent now: the host's right to change the cloud, as a
 * span of this JVM's monotonic clock. A high-availability host answers from its leader lease; a
 * host that is alone leaves every call {@link #unbounded}.
 *
 * <p>A {@link PluginClient} given a window ({@link PluginClient#actWithin}) does not send a call
 * once the window is closed, and tells the plugin the moment the window closes, in the plugin's own
 * clock; a plugin built on this SDK refuses, on arrival, a call that reaches it after that moment.
 * So a host paused between its check and the call leaving the process (SIGSTOP, a long GC) cannot
 * have that call acted on after its right ended: see {@code ArrivalFence} for the argument.
 *
 * <p>Contract: {@link #remainingNanos} is cheap, never blocks and never throws; it is read twice
 * per call, immediately before the call is sent: once to decide whether to send it, once when the
 * window's end is put on it (a window that closed in between sends an end already past, which the
 * plugin refuses).
 */
@FunctionalInterface
public interface CallWindow {

  /** {@link #remainingNanos} of a window that never closes. */
  long UNBOUNDED = Long.MAX_VALUE;

  /**
   * Nanoseconds from now during which the plugin may still act on a call sent now; zero or less
   * when the window is closed, {@link #UNBOUNDED} when it never closes.
   */
  long remainingNanos();

  /** The window of a host that is alone: calls are never bounded. */
  static CallWindow unbounded() {
    return () -> UNBOUNDED;
  }
}
