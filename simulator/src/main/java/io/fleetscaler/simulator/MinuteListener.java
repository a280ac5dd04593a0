package io.fleetscaler.simulator;

import java.io.IOException;

/** Receives the replay's time series, one minute at a time, in order. */
@FunctionalInterface
public interface MinuteListener {

  /** Ignores every minute. */
  MinuteListener NONE = sample -> {};

  /** Takes one minute; an exception stops the replay. */
  void minute(MinuteSample sample) throws IOException;
}
