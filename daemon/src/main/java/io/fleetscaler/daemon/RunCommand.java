package io.fleetscaler.daemon;

import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.DaemonSettings;
import io.fleetscaler.daemon.config.ListenAddress;
import io.fleetscaler.daemon.config.LogFormat;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.logging.LogOutput;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler run}: loads the configuration file (or, without one, builds the embedded
 * default from the command line: one group on the built-in simulated cloud keeping 2 idle slots)
 * and runs the daemon until SIGTERM or Ctrl-C. Flags and file produce the same {@link
 * DaemonConfig}; with a file, only {@code --http-listen}, {@code --log-format} and the gRPC API's
 * options may override it. Runner managers use the gRPC API; on an address other than loopback it
 * refuses to start without TLS and client authentication.
 *
 * <p>Exit status: 0 after a clean stop, 1 when a group cannot start, 2 for a bad command line or
 * configuration file, an API that would be exposed unauthenticated, or a listening address that
 * cannot be bound (every error printed, nothing started).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the daemon until SIGTERM or Ctrl-C; SIGHUP reloads the file's policies.")
final class RunCommand implements Callable<Integer> {

  /** The built-in simulated cloud's configuration when none is given: small and quick. */
  static final String DEFAULT_SIMULATED_CONFIG =
      "{\"name\":\"default\",\"max_size\":10,\"create_latency\":\"20s\",\"delete_latency\":\"5s\"}";

  /** The options that only shape the embedded default group. */
  private static final List<String> DEFAULT_GROUP_OPTIONS =
      List.of(
          "--plugin",
          "--plugin-config",
          "--update-interval",
          "--capacity-per-instance",
          "--max-instances",
          "--idle-count",
          "--idle-time");

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The TOML configuration file (see docs/configuration.md).")
  @Nullable Path config;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log as text lines or JSON objects on stderr (overrides log_format).")
  @Nullable LogFormat logFormat;

  @Option(
      names = "--http-listen",
      description =
          "Address of /metrics, /healthz and /readyz (overrides http_listen; default "
              + DaemonSettings.DEFAULT_HTTP_LISTEN
              + ").")
  @Nullable String httpListen;

  @Option(
      names = "--grpc-listen",
      description =
          "Address of the gRPC API (overrides grpc_listen; default "
              + DaemonSettings.DEFAULT_GRPC_LISTEN
              + "). Anything but loopback needs --tls-cert, --tls-key and --tls-client-ca or"
              + " --token-file.")
  @Nullable String grpcListen;

  @Option(
      names = "--tls-cert",
      description = "The API's TLS certificate chain, PEM (overrides [daemon.tls] cert_file).")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      description = "The API's TLS private key, PKCS#8 PEM, mode 0600 (overrides key_file).")
  @Nullable Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      description =
          "CA certificates (PEM) that API clients' certificates must chain to, for mutual TLS"
              + " (overrides client_ca_file).")
  @Nullable Path tlsClientCa;

  @Option(
      names = "--token-file",
      description =
          "A file (mode 0600) holding the bearer token every API call must present (overrides"
              + " [daemon.auth] token_file).")
  @Nullable Path tokenFile;

  @Option(
      names = "--in-process",
      description = "Run built-in plugins inside the daemon's JVM instead of as subprocesses.")
  boolean inProcess;

  @Option(
      names = "--plugin",
      defaultValue = "simulated",
      description =
          "Without --config: 'simulated', 'static', 'aws', 'googlecloud' or 'azure' (built in), a"
              + " path to a plugin executable, or a name looked up on PATH as"
              + " fleetscaler-plugin-<name> or fleeting-plugin-<name> (default: ${DEFAULT-VALUE}).")
  String plugin = "simulated";

  @Option(
      names = "--plugin-config",
      description =
          "Without --config: the plugin's configuration as a JSON object (default for"
              + " 'simulated': a 10-instance group with 20s boots).")
  @Nullable String pluginConfig;

  @Option(
      names = "--update-interval",
      defaultValue = "1m",
      description = "Without --config: plugin poll interval (default: ${DEFAULT-VALUE}).")
  String updateInterval = "1m";

  @Option(
      names = "--capacity-per-instance",
      defaultValue = "2",
      description = "Without --config: job slots per instance (default: ${DEFAULT-VALUE}).")
  int capacityPerInstance = 2;

  @Option(
      names = "--max-instances",
      defaultValue = "10",
      description = "Without --config: the most instances (default: ${DEFAULT-VALUE}).")
  int maxInstances = 10;

  @Option(
      names = "--idle-count",
      defaultValue = "2",
      description = "Without --config: idle slots to keep ready (default: ${DEFAULT-VALUE}).")
  int idleCount = 2;

  @Option(
      names = "--idle-time",
      defaultValue = "5m",
      description = "Without --config: how long an instance may idle (default: ${DEFAULT-VALUE}).")
  String idleTime = "5m";

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    List<ConfigError> warnings = new ArrayList<>();
    DaemonConfig loaded;
    if (config != null) {
      for (String option : DEFAULT_GROUP_OPTIONS) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new ParameterException(
              spec.commandLine(),
              option + " shapes only the embedded default; with --config set it in the file");
        }
      }
      if (config.toString().isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--config: an empty path names no file");
      }
      try {
        loaded = ConfigFile.load(config, warnings::add);
      } catch (ConfigException e) {
        e.errors().forEach(err::println);
        err.println("fleetscaler: " + config + ": " + count(e) + "; nothing started");
        err.flush();
        return 2;
      }
    } else {
      try {
        loaded = DefaultGroupOptions.load(this, warnings::add);
      } catch (ConfigException e) {
        e.errors().forEach(x -> err.println("fleetscaler: " + DefaultGroupOptions.describe(x)));
        err.println("fleetscaler: " + count(e) + " in the options; nothing started");
        err.flush();
        return 2;
      }
    }
    DaemonSettings daemon = loaded.daemon();
    if (httpListen != null) {
      try {
        ListenAddress.parse(httpListen);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--http-listen: " + e.getMessage(), e);
      }
      daemon = daemon.withHttpListen(httpListen);
    }
    if (logFormat != null) {
      daemon = daemon.withLogFormat(logFormat);
    }
    daemon =
        daemon.withApi(
            grpcListen != null ? grpcListen : daemon.grpcListen(),
            tlsCert != null ? tlsCert : daemon.tlsCertFile(),
            tlsKey != null ? tlsKey : daemon.tlsKeyFile(),
            tlsClientCa != null ? tlsClientCa : daemon.tlsClientCaFile(),
            tokenFile != null ? tokenFile : daemon.authTokenFile());
    DaemonConfig effective =
        new DaemonConfig(daemon, loaded.groups(), loaded.ha(), loaded.shards());
    // Every check that needs no cloud, before any plugin or scaler starts (validate makes the
    // same ones): a refused command line never creates an instance.
    List<String> problems = Preflight.offline(effective);
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("fleetscaler: " + p));
      err.println("fleetscaler: nothing started");
      err.flush();
      return 2;
    }
    // The ports too: one held by another program must stop us before a plugin creates anything.
    ListenPorts ports;
    try {
      ports = ListenPorts.take(daemon);
    } catch (IllegalStateException e) {
      err.println("fleetscaler: " + e.getMessage() + "; nothing started");
      err.flush();
      return 2;
    }
    LogOutput.install(daemon.logFormat());
    System.Logger log = System.getLogger("io.fleetscaler.daemon.config");
    warnings.forEach(w -> log.log(Level.WARNING, w.toString()));
    HaSettings ha = effective.ha();
    if (ha != null) {
      Preflight.haWarnings(effective).forEach(w -> log.log(Level.WARNING, w));
      return new HaDaemon(effective, ha, config, inProcess, spec.commandLine().getOut(), err, ports)
          .run();
    }
    return new Daemon(effective, config, inProcess, spec.commandLine().getOut(), err, ports).run();
  }

  static String count(ConfigException e) {
    int n = e.errors().size();
    return n + (n == 1 ? " error" : " errors");
  }
}
