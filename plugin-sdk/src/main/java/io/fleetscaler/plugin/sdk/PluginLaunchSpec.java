package io.fleetscaler.plugin.sdk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch and supervise one plugin process.
 *
 * @param name the plugin's name in logs ({@code plugin.<name>}) and errors
 * @param command the executable and its arguments
 * @param environment variables added to the host's environment for the plugin; the launch
 *     protocol's own variables ({@code PLUGIN_*}, the cookie) win over these
 * @param cookieKey the magic-cookie variable; {@link PluginServer#MAGIC_COOKIE_KEY} for our
 *     plugins, another family's key to run go-plugin plugins of that family
 * @param cookieValue its value
 * @param startTimeout how long the plugin has to print its handshake and answer the health check
 * @param callTimeout the deadline of each call to the plugin
 * @param restartBackoff the wait before the first restart after a crash; doubled per failed attempt
 * @param maxRestartBackoff the longest wait between restart attempts
 * @param shutdownGrace how long {@link PluginClient#close()} waits for the plugin to exit after
 *     asking it to, before killing its process tree
 */
public record PluginLaunchSpec(
    String name,
    List<String> command,
    Map<String, String> environment,
    String cookieKey,
    String cookieValue,
    Duration startTimeout,
    Duration callTimeout,
    Duration restartBackoff,
    Duration maxRestartBackoff,
    Duration shutdownGrace) {

  public PluginLaunchSpec {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    Objects.requireNonNull(cookieKey, "cookieKey");
    Objects.requireNonNull(cookieValue, "cookieValue");
    if (name.isBlank()) {
      throw new IllegalArgumentException("plugin name is blank");
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("plugin " + name + ": command is empty");
    }
    if (cookieKey.isBlank()) {
      throw new IllegalArgumentException("plugin " + name + ": cookie key is blank");
    }
    positive("startTimeout", startTimeout);
    positive("callTimeout", callTimeout);
    positive("restartBackoff", restartBackoff);
    positive("shutdownGrace", shutdownGrace);
    if (maxRestartBackoff.compareTo(restartBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxRestartBackoff " + maxRestartBackoff + " is below restartBackoff " + restartBackoff);
    }
  }

  /** Environment values are left out: they often carry cloud credentials. */
  @Override
  public String toString() {
    return "PluginLaunchSpec[name="
        + name
        + ", command="
        + command
        + ", environment keys="
        + environment.keySet().stream().sorted().toList()
        + ", cookieKey="
        + cookieKey
        + ", startTimeout="
        + startTimeout
        + ", callTimeout="
        + callTimeout
        + ", restartBackoff="
        + restartBackoff
        + ", maxRestartBackoff="
        + maxRestartBackoff
        + ", shutdownGrace="
        + shutdownGrace
        + "]";
  }

  private static void positive(String what, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }

  /**
   * {@link #of} for a Java plugin whose {@code main} is on this JVM's class path: a new JVM from
   * this JVM's executable, with {@code jvmFlags}, this JVM's class path and {@code mainClass}. For
   * plugins shipped in the host's own jar and for plugin tests.
   *
   * @throws IllegalStateException if this JVM's executable cannot be found
   */
  public static PluginLaunchSpec javaMain(String name, Class<?> mainClass, List<String> jvmFlags) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot find this JVM's executable"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    return of(name, command);
  }

  /**
   * A spec with the defaults: our cookie, go-plugin's one-minute start timeout, five-minute calls,
   * restarts after 1 s doubling up to 1 min, a 2 s shutdown grace.
   */
  public static PluginLaunchSpec of(String name, List<String> command) {
    return new PluginLaunchSpec(
        name,
        command,
        Map.of(),
        PluginServer.MAGIC_COOKIE_KEY,
        PluginServer.MAGIC_COOKIE_VALUE,
        Duration.ofMinutes(1),
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(2));
  }

  public PluginLaunchSpec withEnvironment(Map<String, String> environment) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        cookieKey,
        cookieValue,
        startTimeout,
        callTimeout,
        restartBackoff,
        maxRestartBackoff,
        shutdownGrace);
  }

  public PluginLaunchSpec withCookie(String key, String value) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        key,
        value,
        startTimeout,
        callTimeout,
        restartBackoff,
        maxRestartBackoff,
        shutdownGrace);
  }

  public PluginLaunchSpec withStartTimeout(Duration timeout) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        cookieKey,
        cookieValue,
        timeout,
        callTimeout,
        restartBackoff,
        maxRestartBackoff,
        shutdownGrace);
  }

  public PluginLaunchSpec withCallTimeout(Duration timeout) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        cookieKey,
        cookieValue,
        startTimeout,
        timeout,
        restartBackoff,
        maxRestartBackoff,
        shutdownGrace);
  }

  public PluginLaunchSpec withRestartBackoff(Duration initial, Duration max) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        cookieKey,
        cookieValue,
        startTimeout,
        callTimeout,
        initial,
        max,
        shutdownGrace);
  }

  public PluginLaunchSpec withShutdownGrace(Duration grace) {
    return new PluginLaunchSpec(
        name,
        command,
        environment,
        cookieKey,
        cookieValue,
        startTimeout,
        callTimeout,
        restartBackoff,
        maxRestartBackoff,
        grace);
  }
}
