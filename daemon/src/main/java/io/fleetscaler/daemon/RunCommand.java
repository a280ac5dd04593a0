package io.fleetscaler.daemon;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.http.DaemonMeters;
import io.fleetscaler.daemon.http.HttpEndpoints;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler run}: starts one plugin (by default the built-in simulated cloud, as a
 * supervised subprocess), autoscales its group (named {@value #GROUP}) with a {@link TaskScaler}
 * under one always-active policy, serves the gRPC API for runner managers and the HTTP endpoints,
 * and on SIGTERM or Ctrl-C stops the API, the scaler, then the plugin and its whole process tree.
 *
 * <p>The API refuses to start on an address other than loopback without TLS and client
 * authentication; that, like every bad option, exits with status 2 before anything is started.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the daemon until SIGTERM or Ctrl-C.")
final class RunCommand implements Callable<Integer> {

  /** The built-in simulated cloud's configuration when none is given: small and quick. */
  static final String DEFAULT_SIMULATED_CONFIG =
      "{\"name\":\"default\",\"max_size\":10,\"create_latency\":\"20s\",\"delete_latency\":\"5s\"}";

  /** The name of the one group the command line configures. */
  static final String GROUP = "default";

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--http-listen",
      defaultValue = "127.0.0.1:9402",
      description = "Address of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  String httpListen = "127.0.0.1:9402";

  @Option(
      names = "--grpc-listen",
      defaultValue = ApiServerSettings.DEFAULT_LISTEN,
      description =
          "Address of the gRPC API (default: ${DEFAULT-VALUE}). Anything but loopback needs"
              + " --tls-cert, --tls-key and --tls-client-ca or --token-file.")
  String grpcListen = ApiServerSettings.DEFAULT_LISTEN;

  @Option(names = "--tls-cert", description = "The API's TLS certificate chain (PEM).")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", description = "The API's TLS private key (PKCS#8 PEM, mode 0600).")
  @Nullable Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      description = "CA certificates (PEM) that API clients' certificates must chain to (mTLS).")
  @Nullable Path tlsClientCa;

  @Option(
      names = "--token-file",
      description = "A file (mode 0600) holding the bearer token every API call must present.")
  @Nullable Path tokenFile;

  @Option(
      names = "--plugin",
      defaultValue = "simulated",
      description =
          "'simulated' (built in), a path to a plugin executable, or a name looked up on PATH as"
              + " fleetscaler-plugin-<name> or fleeting-plugin-<name> (default: ${DEFAULT-VALUE}).")
  String plugin = "simulated";

  @Option(
      names = "--plugin-config",
      description =
          "The plugin's configuration as a JSON object (default for 'simulated': a"
              + " 10-instance group with 20s boots).")
  @Nullable String pluginConfig;

  @Option(
      names = "--update-interval",
      defaultValue = "1m",
      description =
          "How often to ask the plugin for its instances when nothing is expected (default:"
              + " ${DEFAULT-VALUE}; 2s while a change is pending).")
  String updateInterval = "1m";

  @Option(
      names = "--in-process",
      description = "Run the built-in plugin inside the daemon's JVM instead of a subprocess.")
  boolean inProcess;

  @Option(
      names = "--capacity-per-instance",
      defaultValue = "2",
      description = "Job slots per instance (default: ${DEFAULT-VALUE}).")
  int capacityPerInstance = 2;

  @Option(
      names = "--max-instances",
      defaultValue = "10",
      description = "The most instances, in every state (default: ${DEFAULT-VALUE}).")
  int maxInstances = 10;

  @Option(
      names = "--idle-count",
      defaultValue = "2",
      description = "Idle slots to keep ready (default: ${DEFAULT-VALUE}).")
  int idleCount = 2;

  @Option(
      names = "--idle-time",
      defaultValue = "5m",
      description = "How long an unneeded instance may stay idle (default: ${DEFAULT-VALUE}).")
  String idleTime = "5m";

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;

  @Override
  public Integer call() throws InterruptedException {
    InetSocketAddress httpAddress = hostPort(httpListen);
    ApiServerSettings apiSettings =
        new ApiServerSettings(grpcListen, tlsCert, tlsKey, tlsClientCa, tokenFile);
    List<String> apiProblems = apiSettings.problems();
    if (!apiProblems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", apiProblems));
    }
    Duration interval = duration("--update-interval", updateInterval);
    Duration idle = duration("--idle-time", idleTime);
    String config = pluginConfig != null ? pluginConfig : defaultConfig();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    PrometheusMeterRegistry registry = DaemonMeters.registry();

    PluginClient client = openPlugin();
    TaskScaler scaler;
    try {
      scaler =
          TaskScaler.builder(client)
              .plugin(Settings.defaults(), config)
              .capacityPerInstance(capacityPerInstance)
              .maxInstances(maxInstances)
              .updateInterval(interval)
              .policies(List.of(Policy.of(idleCount).withIdleTime(idle)))
              .meterRegistry(registry)
              .build();
    } catch (ProviderException | IllegalArgumentException e) {
      client.close();
      err.println("fleetscaler: " + plugin + ": " + e.getMessage());
      return 1;
    }
    Gauge.builder("fleetscaler.plugin.restarts", client, PluginClient::restarts)
        .description("Times the plugin process was restarted after a crash")
        .tag("plugin", client.name())
        .register(registry);

    ApiServer api;
    try {
      api = ApiServer.start(apiSettings, Map.of(GROUP, scaler));
    } catch (IllegalArgumentException e) {
      scaler.shutdown();
      client.close();
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IllegalStateException e) {
      scaler.shutdown();
      client.close();
      err.println("fleetscaler: " + e.getMessage());
      return 1;
    }
    HttpEndpoints endpoints;
    try {
      endpoints = HttpEndpoints.start(httpAddress, registry::scrape, () -> readiness(client));
    } catch (IllegalStateException e) {
      api.close();
      scaler.shutdown();
      client.close();
      err.println("fleetscaler: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("fleetscaler-shutdown")
                .unstarted(() -> stop(api, scaler, endpoints, client, out)));
    InetSocketAddress bound = endpoints.address();
    InetSocketAddress grpc = api.address();
    out.printf(
        "fleetscaler: scaling plugin %s (capacity %d per instance, at most %d instances, %d idle"
            + " slots); metrics at http://%s:%d/metrics; gRPC API on %s:%d (%s); Ctrl-C stops%n",
        plugin,
        capacityPerInstance,
        maxInstances,
        idleCount,
        bound.getHostString(),
        bound.getPort(),
        grpc.getHostString(),
        grpc.getPort(),
        security(apiSettings));
    out.flush();
    stopped.await();
    return 0;
  }

  private Readiness readiness(PluginClient client) {
    if (stopping) {
      return new Readiness(false, "shutting down");
    }
    if (!inProcess && client.process().isEmpty()) {
      return new Readiness(false, "plugin " + client.name() + " is restarting");
    }
    return new Readiness(true, "plugin " + client.name() + " serving");
  }

  /** How the API authenticates callers, for the start-up line; never the credentials. */
  private static String security(ApiServerSettings s) {
    List<String> parts = new java.util.ArrayList<>();
    parts.add(s.tls() ? "TLS" : "plaintext");
    if (s.clientCaFile() != null) {
      parts.add("client certificates");
    }
    if (s.tokenFile() != null) {
      parts.add("bearer token");
    }
    if (s.clientCaFile() == null && s.tokenFile() == null) {
      parts.add("unauthenticated");
    }
    return String.join(", ", parts);
  }

  private void stop(
      ApiServer api,
      TaskScaler scaler,
      HttpEndpoints endpoints,
      PluginClient client,
      PrintWriter out) {
    stopping = true;
    // Printed, not logged: java.util.logging closes its handlers in its own shutdown hook.
    out.println("fleetscaler: stopping (API, then the scaler, then the plugin)");
    out.flush();
    api.close();
    try {
      scaler.shutdown();
    } catch (RuntimeException e) {
      out.println("fleetscaler: scaler shutdown failed: " + e.getMessage());
    }
    endpoints.close();
    client.close();
    out.println("fleetscaler: stopped");
    out.flush();
    stopped.countDown();
  }

  private String defaultConfig() {
    return plugin.equals("simulated") ? DEFAULT_SIMULATED_CONFIG : "{}";
  }

  private PluginClient openPlugin() {
    if (plugin.equals("simulated")) {
      if (inProcess) {
        return PluginClient.inProcess(SimulatedInstanceGroup.withSystemClock(), "simulated");
      }
      return PluginProcess.launch(
          PluginLaunchSpec.javaMain(
              SimulatedPluginMain.PLUGIN_NAME, SimulatedPluginMain.class, Main.childJvmFlags()));
    }
    if (inProcess) {
      throw new ParameterException(
          spec.commandLine(), "--in-process works only with the built-in 'simulated' plugin");
    }
    Path executable = resolveExecutable(plugin);
    return PluginProcess.launch(
        PluginLaunchSpec.of(executable.getFileName().toString(), List.of(executable.toString())));
  }

  private Path resolveExecutable(String name) {
    if (name.contains(File.separator)) {
      Path path = Path.of(name);
      if (Files.isExecutable(path)) {
        return path;
      }
      throw new ParameterException(spec.commandLine(), "--plugin: not an executable: " + name);
    }
    String pathVariable = System.getenv("PATH");
    for (String dir :
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(pathVariable == null ? "" : pathVariable)
            .toList()) {
      for (String candidate : List.of("fleetscaler-plugin-" + name, "fleeting-plugin-" + name)) {
        Path path = Path.of(dir.isEmpty() ? "." : dir, candidate);
        if (Files.isExecutable(path)) {
          return path;
        }
      }
    }
    throw new ParameterException(
        spec.commandLine(),
        "--plugin: no fleetscaler-plugin-" + name + " or fleeting-plugin-" + name + " on PATH");
  }

  private InetSocketAddress hostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new ParameterException(
          spec.commandLine(), "--http-listen: expected host:port, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65_535) {
        throw new NumberFormatException("out of range");
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), "--http-listen: bad port in '" + value + "'", e);
    }
  }

  private Duration duration(String option, String value) {
    try {
      Duration d = GoDuration.parse(value);
      if (d.isZero()) {
        throw new IllegalArgumentException("must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage(), e);
    }
  }
}
