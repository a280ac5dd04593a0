package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.proto.goplugin.StdioData;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link InstanceGroup} into an executable plugin: a plugin's {@code main} calls {@link
 * #serve} and nothing else.
 *
 * <p>The launch protocol is hashicorp go-plugin's, so our host and any go-plugin host can run the
 * plugin: it refuses to start without {@value #MAGIC_COOKIE_KEY} in its environment; honours {@code
 * PLUGIN_MIN_PORT}, {@code PLUGIN_MAX_PORT}, {@code PLUGIN_PROTOCOL_VERSIONS} and {@code
 * PLUGIN_UNIX_SOCKET_DIR}; listens on a Unix domain socket (TCP on 127.0.0.1 in the port range
 * where the epoll transport is unavailable, or when {@code FLEETSCALER_PLUGIN_NETWORK=tcp}); prints
 * one handshake line {@code 1|1|unix|<path>|grpc[|<cert>]} on stdout; and, when the host sends
 * {@code PLUGIN_CLIENT_CERT}, serves only mutually authenticated TLS, trusting exactly that
 * certificate and presenting its own in handshake field 6. After the handshake, {@code System.out}
 * is streamed to the host through {@code plugin.GRPCStdio}, and logs are JSON lines on stderr.
 *
 * <p>The plugin exits when the host calls {@code plugin.GRPCController/Shutdown}, and also on its
 * own when its parent process goes away, so that no orphan keeps scaling a group.
 */
public final class PluginServer {
  /** The environment variable a host sets to show it launched the plugin on purpose. */
  public static final String MAGIC_COOKIE_KEY = "FLEETSCALER_PLUGIN_MAGIC_COOKIE";

  /** Its value. Not a secret: it only keeps people from running a plugin by hand by mistake. */
  public static final String MAGIC_COOKIE_VALUE =
      "3f9c1e7b52a84d06b8e2c4f1a7d39e5c0b6f28a4d1e7c3b9";

  /**
   * The go-plugin application protocol version this SDK speaks (handshake field 2, {@code
   * PLUGIN_PROTOCOL_VERSIONS}); the gRPC service is {@code fleetscaler.plugin.v1.InstanceGroup}.
   */
  public static final int PROTOCOL_VERSION = PluginEnvironment.PROTOCOL_VERSION;

  private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(2);
  private static final java.time.Duration HOST_POLL = java.time.Duration.ofSeconds(1);

  private PluginServer() {}

  /**
   * Serves {@code group} as a plugin until the host stops it, then exits the JVM: status 0 after
   * {@code Shutdown}, 1 when the environment is wrong (missing or wrong cookie, bad ports, no
   * common protocol version; the reason goes to stderr) or the host process died.
   *
   * @param pluginName the name in the plugin's log lines
   * @param version the plugin's release version, logged at start
   */
  public static void serve(InstanceGroup group, String pluginName, String version) {
    int status =
        run(group, pluginName, version, System.getenv(), System.out, System.err, Clock.systemUTC());
    System.exit(status);
  }

  /**
   * A logger writing hclog-style JSON lines to stderr, which the host relays into its own log under
   * the plugin's name. For a plugin's own code; thread-safe.
   */
  public static System.Logger logger(String module) {
    return new JsonLineLogger(module, System.err, Clock.systemUTC(), Level.INFO);
  }

  /** {@link #serve} without the exit: returns the exit status once the server has stopped. */
  static int run(
      InstanceGroup group,
      String pluginName,
      String version,
      Map<String, String> environment,
      PrintStream stdout,
      PrintStream stderr,
      Clock clock) {
    // Before any Netty class makes its loggers: no level set in this JVM may log a frame (the
    // host's Init carries the connector's password, ConnectInfo answers carry it back).
    TransportLogs.pin();
    // Noted first: a parent that dies while we start must still be seen as gone.
    long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    PluginEnvironment env;
    X509Certificate clientCert = null;
    try {
      env =
          PluginEnvironment.read(
              environment, Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
      String pem = env.clientCertPem();
      if (pem != null) {
        clientCert = SelfSignedCertificate.parsePem(pem);
      }
    } catch (IllegalArgumentException e) {
      refuse(e, environment, stdout, stderr);
      return 1;
    }
    Optional<ProcessHandle> host =
        env.hostPid().isPresent()
            ? ProcessHandle.of(env.hostPid().getAsLong())
            : ProcessHandle.current().parent();
    // Without our host's pid and without a parent (another pid namespace) nothing can be watched;
    // with the pid, a host that is already gone means nobody will ever stop us.
    if (env.hostPid().isPresent() && (host.isEmpty() || !host.get().isAlive())) {
      stderr.println("the host process is already gone; not starting");
      stderr.flush();
      return 1;
    }
    System.Logger log = new JsonLineLogger(pluginName, stderr, clock, Level.INFO);
    SelfSignedCertificate own =
        clientCert == null ? null : SelfSignedCertificate.generate(clock.instant());
    return serve(group, pluginName, version, env, clientCert, own, stdout, log, host, parentPid);
  }

  private static int serve(
      InstanceGroup group,
      String pluginName,
      String version,
      PluginEnvironment env,
      @Nullable X509Certificate clientCert,
      @Nullable SelfSignedCertificate own,
      PrintStream stdout,
      System.Logger log,
      Optional<ProcessHandle> host,
      long parentPid) {
    var services = new PluginServices();
    var exitStatus = new AtomicInteger(0);
    var running = new AtomicReference<Server>();
    Runnable stop =
        () -> {
          services.stopping();
          Server server = running.get();
          if (server != null) {
            stopServer(server, log);
          }
        };
    Listening listening;
    try {
      listening =
          listen(
              env,
              builder -> {
                services.register(builder, group, log, stop);
                if (own != null && clientCert != null) {
                  builder.sslContext(MutualTls.server(own, clientCert));
                }
                return builder;
              });
    } catch (IOException | RuntimeException e) {
      log.log(Level.ERROR, "cannot listen for the host", e);
      return 1;
    }
    running.set(listening.server());
    announce(env, listening, own, services, stdout, log, pluginName, version);
    ScheduledExecutorService watchdog = watchHost(host, parentPid, log, exitStatus, stop);
    try {
      listening.server().awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exitStatus.set(1);
    } finally {
      watchdog.shutdownNow();
      listening.cleanup();
    }
    log.log(Level.INFO, "plugin {0} stopped", pluginName);
    return exitStatus.get();
  }

  /**
   * Prints the handshake line, then hands stdout to the host's stdio stream and logs where the
   * plugin serves: after this the host may call.
   */
  private static void announce(
      PluginEnvironment env,
      Listening listening,
      @Nullable SelfSignedCertificate own,
      PluginServices services,
      PrintStream stdout,
      System.Logger log,
      String pluginName,
      String version) {
    stdout.println(handshakeLine(env, listening, own));
    stdout.flush();
    // From here on stdout belongs to the host's stdio stream, never to the handshake channel.
    System.setOut(
        new PrintStream(
            services.stdio().output(StdioData.Channel.STDOUT), true, StandardCharsets.UTF_8));
    log.log(
        Level.INFO,
        "plugin {0} {1} serving on {2} {3} (mutual TLS: {4})",
        pluginName,
        version,
        listening.network(),
        listening.address(),
        own != null);
  }

  /**
   * Says why the plugin will not start, on stderr for a person, and, when a host launched it, also
   * on stdout in the handshake's place: go-plugin hosts show a plugin's plain stderr only at debug
   * level, but report the handshake line at any level. For an unspoken protocol version that line
   * is a handshake naming the version we speak, as a Go plugin answers (the host then reports
   * "Incompatible API version with plugin"); for anything else it is the message itself, on one
   * line and without a field separator, which hosts report as the plugin's unrecognised message.
   * Ours says "plugin printed '...' instead of its handshake line".
   */
  private static void refuse(
      IllegalArgumentException why,
      Map<String, String> environment,
      PrintStream stdout,
      PrintStream stderr) {
    String message = String.valueOf(why.getMessage());
    stderr.println(message);
    stderr.flush();
    if (PluginEnvironment.launchedByHost(environment)) {
      stdout.println(
          why instanceof PluginEnvironment.UnspokenVersion
              ? Handshake.CORE_VERSION + "|" + PROTOCOL_VERSION + "|unix|-|grpc"
              : message.replace('|', '/').replaceAll("\\s+", " ").strip());
      stdout.flush();
    }
  }

  /** {@code 1|<app version>|<network>|<address>|grpc[|<server cert>]}, as go-plugin prints it. */
  private static String handshakeLine(
      PluginEnvironment env, Listening listening, @Nullable SelfSignedCertificate own) {
    return Handshake.CORE_VERSION
        + "|"
        + env.protocolVersion()
        + "|"
        + listening.network()
        + "|"
        + listening.address()
        + "|grpc"
        + (own == null ? "" : "|" + own.handshakeField());
  }

  private static void stopServer(Server server, System.Logger log) {
    server.shutdown();
    try {
      if (!server.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.log(Level.WARNING, "calls still running after {0}; cancelling them", STOP_GRACE);
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }

  /**
   * Polls the host: when it dies without stopping us (killed, crashed), or our parent changes (a
   * wrapper between host and plugin died), we stop too. Polling rather than {@code onExit()}
   * because the host is not our child.
   */
  private static ScheduledExecutorService watchHost(
      Optional<ProcessHandle> host,
      long parentPid,
      System.Logger log,
      AtomicInteger exitStatus,
      Runnable stop) {
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("plugin-host-watch").daemon(true).factory());
    if (host.isEmpty()) {
      log.log(Level.WARNING, "no host process to watch; only Shutdown will stop this plugin");
      return watchdog;
    }
    ProcessHandle watched = host.get();
    var unused =
        watchdog.scheduleWithFixedDelay(
            () -> {
              long parentNow = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
              if (!watched.isAlive() || parentNow != parentPid) {
                log.log(
                    Level.WARNING,
                    "host process {0} is gone; stopping",
                    Long.toString(watched.pid()));
                exitStatus.set(1);
                stop.run();
                watchdog.shutdown();
              }
            },
            HOST_POLL.toMillis(),
            HOST_POLL.toMillis(),
            TimeUnit.MILLISECONDS);
    return watchdog;
  }

  private record Listening(Server server, String network, String address, @Nullable Path socket) {
    void cleanup() {
      if (socket != null) {
        try {
          Files.deleteIfExists(socket);
        } catch (IOException e) {
          // A leftover socket file in a temporary directory is harmless.
        }
      }
    }
  }

  private static Listening listen(PluginEnvironment env, UnaryOperator<NettyServerBuilder> setup)
      throws IOException {
    if (!env.tcpOnly() && Transports.unixSocketsAvailable()) {
      Path socket =
          env.socketDir()
              .resolve("plugin" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()));
      Server server = setup.apply(Transports.unixServer(socket.toString())).build().start();
      return new Listening(server, "unix", socket.toString(), socket);
    }
    IOException last = null;
    for (int port = env.minPort(); port <= env.maxPort(); port++) {
      try {
        Server server = setup.apply(Transports.tcpServer(port)).build().start();
        return new Listening(server, "tcp", "127.0.0.1:" + port, null);
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException(
        "no free TCP port in " + env.minPort() + "-" + env.maxPort(),
        last == null ? new IOException("empty port range") : last);
  }
}
