package io.fleetscaler.core.connector;

import io.fleetscaler.plugin.api.ConnectInfo;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Function;

/**
 * Runs commands on instances. The scaler uses it for {@code instance_ready_command} and for
 * connector heartbeats ({@code exit 0}); it never calls it under its control lock.
 *
 * <p>Thread-safe: any number of commands, on the same or different instances, may run at once.
 */
public interface Connector {

  /**
   * Runs {@code command} on the instance as its login user would through {@code sh -c} (SSH's exec
   * request: the user's shell runs the string) and waits for it to end.
   *
   * @param timeout bound on the whole call: connecting, logging in and running the command
   * @return the exit status and the start of the output; a non-zero status is a result, not an
   *     exception
   * @throws ConnectorException if the instance cannot be reached, the login fails or {@code
   *     timeout} passes first
   */
  CommandResult run(String instanceId, String command, Duration timeout);

  /** Drops what is remembered about the instance (connect info, host key): it is gone. */
  void forget(String instanceId);

  /**
   * The SSH connector: connect info is asked of {@code connectInfo} (the plugin) on first use and
   * again once its {@code expires} has passed on {@code clock} or a login with it failed; the
   * operator's settings are merged in as {@code docs/operations.md} describes.
   */
  static Connector ssh(
      ConnectorSettings settings, Function<String, ConnectInfo> connectInfo, InstantSource clock) {
    return new SshConnector(settings, connectInfo, clock);
  }
}
