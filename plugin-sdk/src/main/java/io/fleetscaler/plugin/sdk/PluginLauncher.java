package io.fleetscaler.plugin.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a plugin process the go-plugin way and connects to it: a fresh client certificate per
 * launch in {@code PLUGIN_CLIENT_CERT}, the cookie and {@code PLUGIN_*} variables in the
 * environment, the plugin as leader of its own process group, stderr relayed, the handshake line
 * read within the start timeout and checked, a mutually authenticated channel trusting exactly the
 * certificate of handshake field 6, and a health check. Any failure kills what was started and
 * throws {@link PluginLaunchException}. Stateless and thread-safe.
 */
final class PluginLauncher {
  private static final long STDERR_WAIT_MILLIS = 1_000;

  private final Clock clock;

  PluginLauncher(Clock clock) {
    this.clock = clock;
  }

  LaunchedPlugin launch(PluginLaunchSpec spec) {
    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
    SelfSignedCertificate clientCert = SelfSignedCertificate.generate(clock.instant());
    SocketDir socketDir = SocketDir.create(spec);
    Process process;
    try {
      process = start(spec, clientCert, socketDir);
    } catch (RuntimeException e) {
      socketDir.delete();
      throw e;
    }
    StderrRelay stderr = StderrRelay.start(process.getErrorStream(), spec.name());
    PluginChannel channel = null;
    try {
      Handshake handshake = readHandshake(spec, process, deadline);
      X509Certificate serverCert = handshake.serverCertificate();
      channel =
          new PluginChannel(
              Transports.channel(
                  handshake.network(),
                  handshake.address(),
                  MutualTls.client(clientCert, serverCert)),
              spec.name(),
              spec.callTimeout());
      channel.checkHealth(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      channel.relayStdio();
      System.getLogger("plugin." + spec.name())
          .log(
              Level.INFO,
              "plugin {0} started as pid {1} on {2} {3}",
              spec.name(),
              Long.toString(process.pid()),
              handshake.network(),
              handshake.address());
      return new LaunchedPlugin(process, channel, socketDir);
    } catch (RuntimeException e) {
      // Whatever went wrong, nothing we started may outlive the failed launch, its socket neither.
      ProcessTree.kill(process, List.of());
      if (channel != null) {
        channel.close();
      }
      socketDir.delete();
      String message =
          e instanceof PluginLaunchException
              ? String.valueOf(e.getMessage())
              : "cannot connect to plugin " + spec.name() + ": " + e;
      String tail = stderr.tail(STDERR_WAIT_MILLIS);
      throw new PluginLaunchException(
          tail.isEmpty() ? message : message + "; plugin stderr:\n" + tail, e);
    }
  }

  private static Process start(
      PluginLaunchSpec spec, SelfSignedCertificate clientCert, SocketDir socketDir) {
    var builder = new ProcessBuilder(ProcessTree.groupLeaderCommand(spec.command()));
    Map<String, String> env = builder.environment();
    env.putAll(spec.environment());
    socketDir.export(env);
    env.put(spec.cookieKey(), spec.cookieValue());
    env.put("PLUGIN_PROTOCOL_VERSIONS", Integer.toString(PluginEnvironment.PROTOCOL_VERSION));
    env.putIfAbsent("PLUGIN_MIN_PORT", "10000");
    env.putIfAbsent("PLUGIN_MAX_PORT", "25000");
    env.put("PLUGIN_CLIENT_CERT", clientCert.pem());
    env.put(PluginEnvironment.HOST_PID_KEY, Long.toString(ProcessHandle.current().pid()));
    try {
      Process process = builder.start();
      ProcessTree.register(process);
      return process;
    } catch (IOException e) {
      throw new PluginLaunchException(
          "cannot start plugin "
              + spec.name()
              + " ("
              + spec.command().get(0)
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Reads the first stdout line within the deadline; later stdout lines are logged. */
  private static Handshake readHandshake(PluginLaunchSpec spec, Process process, long deadline) {
    CompletableFuture<String> firstLine = new CompletableFuture<>();
    System.Logger log = System.getLogger("plugin." + spec.name());
    Thread.ofPlatform()
        .name("plugin-" + spec.name() + "-stdout")
        .daemon(true)
        .start(
            () -> {
              try (var reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = reader.readLine();
                firstLine.complete(line == null ? "" : line);
                while ((line = reader.readLine()) != null) {
                  log.log(Level.INFO, "stdout: " + line);
                }
              } catch (IOException e) {
                firstLine.complete("");
              }
            });
    String line;
    try {
      line = firstLine.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PluginLaunchException(
          "plugin "
              + spec.name()
              + " printed no handshake within "
              + spec.startTimeout()
              + " (start timeout)");
    } catch (ExecutionException e) {
      throw new PluginLaunchException("cannot read the handshake of plugin " + spec.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PluginLaunchException("interrupted while starting plugin " + spec.name(), e);
    }
    if (line.isEmpty()) {
      String exit;
      try {
        exit =
            process.waitFor(STDERR_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                ? "exited with status " + process.exitValue()
                : "closed its stdout";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = "closed its stdout";
      }
      throw new PluginLaunchException(
          "plugin " + spec.name() + " " + exit + " before printing its handshake");
    }
    return Handshake.parse(line, PluginEnvironment.PROTOCOL_VERSION);
  }
}
