package io.fleetscaler.daemon;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Re-reads the configuration file on SIGHUP. As in gitlab-runner, only {@code [[policy]]} changes
 * take effect at runtime: they are handed to the running scalers, which keep every reservation and
 * acquisition. Every other change is logged as needing a restart and not applied. A file that fails
 * to load changes nothing; each of its errors is logged. Reloads run one at a time.
 */
final class ConfigReload {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.reload");

  /** Reads the file: {@link ConfigFile#load(Path)}, or a stand-in in tests. */
  interface Loader {
    DaemonConfig load(Path file) throws ConfigException;
  }

  private final Path file;
  private final Map<String, TaskScaler> scalers;
  private final Loader loader;
  private DaemonConfig running; // guarded by this

  ConfigReload(Path file, DaemonConfig running, Map<String, TaskScaler> scalers) {
    this(file, running, scalers, ConfigFile::load);
  }

  ConfigReload(Path file, DaemonConfig running, Map<String, TaskScaler> scalers, Loader loader) {
    this.file = file;
    this.running = running;
    this.scalers = Map.copyOf(scalers);
    this.loader = loader;
  }

  /**
   * Reloads {@code file} on every SIGHUP, one reload at a time on a worker of its own (the signal
   * thread never blocks; a SIGHUP during a reload says so rather than queueing silently), none once
   * {@code stopping} says so. Without a file a SIGHUP is logged as ignored. Warns when SIGHUP
   * cannot be handled here.
   */
  static void installOnHangup(
      @Nullable Path file,
      DaemonConfig config,
      Map<String, TaskScaler> scalers,
      BooleanSupplier stopping) {
    if (file == null) {
      warnIfNoHangup(
          HangupSignal.install(
              () ->
                  LOG.log(Level.WARNING, "SIGHUP ignored: running without a configuration file")));
      return;
    }
    ConfigReload reload = new ConfigReload(file, config, scalers);
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("fleetscaler-reload").unstarted(r));
    AtomicBoolean busy = new AtomicBoolean();
    warnIfNoHangup(
        HangupSignal.install(
            () -> {
              if (stopping.getAsBoolean()) {
                return;
              }
              if (!busy.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "SIGHUP skipped: the previous reload is still running");
                return;
              }
              worker.execute(
                  () -> {
                    try {
                      reload.reload();
                    } finally {
                      busy.set(false);
                    }
                  });
            }));
  }

  private static void warnIfNoHangup(HangupSignal.Installed installed) {
    switch (installed) {
      case YES -> {}
      case IGNORED_AT_START ->
          LOG.log(
              Level.WARNING,
              "SIGHUP was ignored when the daemon started (started under nohup, or by a parent that"
                  + " ignores it), and a JVM cannot re-arm it: reloads on SIGHUP are disabled;"
                  + " start the daemon without nohup (a service manager or setsid) to reload");
      case UNSUPPORTED ->
          LOG.log(Level.WARNING, "this JVM cannot handle SIGHUP: policies will not reload");
    }
  }

  /** The configuration in force: the loaded one with every reloaded policy applied. */
  synchronized DaemonConfig running() {
    return running;
  }

  /**
   * Reloads the file and applies what may change; returns the lines it logged. Never throws: a
   * reload that fails in any way (an {@link Error} included) logs {@code reload failed: ...} and
   * leaves the running configuration, and the next reload, as they were.
   */
  synchronized List<String> reload() {
    List<String> lines = new ArrayList<>();
    try {
      apply(lines);
    } catch (RuntimeException | Error e) {
      // Even a StackOverflowError or OutOfMemoryError ends only this reload: its memory is gone
      // with its frames, and the daemon must go on serving with the configuration it has.
      log(
          Level.ERROR,
          lines,
          "reload failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "; the running configuration stays in force");
    }
    return lines;
  }

  private void apply(List<String> lines) {
    DaemonConfig next;
    try {
      next = loader.load(file);
    } catch (ConfigException e) {
      log(
          Level.WARNING,
          lines,
          "reload failed: "
              + file
              + ": "
              + count(e)
              + "; the running configuration stays in force");
      for (ConfigError error : e.errors()) {
        log(Level.WARNING, lines, error.toString());
      }
      return;
    }
    for (String key : changedKeys(running.daemon(), next.daemon())) {
      log(Level.WARNING, lines, "reload: [daemon] " + key + " changed: needs a restart");
    }
    if (!Objects.equals(running.ha(), next.ha())) {
      log(Level.WARNING, lines, "reload: [daemon.ha] changed: needs a restart");
    }
    List<GroupConfig> applied = new ArrayList<>();
    for (GroupConfig now : running.groups()) {
      GroupConfig then = next.group(now.name()).orElse(null);
      if (then == null) {
        log(Level.WARNING, lines, "reload: group " + now.name() + " removed: needs a restart");
        applied.add(now);
        continue;
      }
      for (String key : changedKeys(now, then)) {
        log(
            Level.WARNING,
            lines,
            "reload: group " + now.name() + ": " + key + " changed: needs a restart");
      }
      String shardNow = running.shardOf(now.name());
      String shardNext = next.shardOf(now.name());
      if (running.ha() != null && !shardNow.equals(shardNext)) {
        log(
            Level.WARNING,
            lines,
            "reload: group "
                + now.name()
                + ": shard changed from "
                + shardNow
                + " to "
                + shardNext
                + "; takes effect at restart");
      }
      if (!now.policies().equals(then.policies())) {
        TaskScaler scaler = Objects.requireNonNull(scalers.get(now.name()), now.name());
        scaler.configure(then.policies());
        // Apply at once rather than at the next update_interval.
        scaler.tick();
        log(
            Level.INFO,
            lines,
            "reload: group "
                + now.name()
                + ": policies "
                + describe(now.policies())
                + " -> "
                + describe(then.policies()));
        applied.add(now.withPolicies(then.policies()));
      } else {
        applied.add(now);
      }
    }
    for (GroupConfig added : next.groups()) {
      if (running.group(added.name()).isEmpty()) {
        log(Level.WARNING, lines, "reload: group " + added.name() + " added: needs a restart");
      }
    }
    if (lines.isEmpty()) {
      log(Level.INFO, lines, "reload of " + file + ": nothing changed");
    }
    // Only policies change at runtime: the HA settings and the shards stay those in force.
    running = new DaemonConfig(running.daemon(), applied, running.ha(), running.shards());
  }

  private static String count(ConfigException e) {
    int n = e.errors().size();
    return n + (n == 1 ? " error" : " errors");
  }

  private static void log(Level level, List<String> lines, String line) {
    lines.add(line);
    LOG.log(level, line);
  }

  /** The configuration keys whose values differ between two records, policies aside. */
  static List<String> changedKeys(Record a, Record b) {
    List<String> keys = new ArrayList<>();
    for (RecordComponent c : a.getClass().getRecordComponents()) {
      if (c.getName().equals("policies")) {
        continue;
      }
      try {
        if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
          keys.add(keyName(c.getName()));
        }
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + c, e);
      }
    }
    return keys;
  }

  private static String keyName(String component) {
    return switch (component) {
      case "pluginConfigJson" -> "plugin_config";
      case "connector" -> "connector_config";
      case "tlsCertFile" -> "tls.cert_file";
      case "tlsKeyFile" -> "tls.key_file";
      case "tlsClientCaFile" -> "tls.client_ca_file";
      case "authTokenFile" -> "auth.token_file";
      default -> component.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    };
  }

  static String describe(List<Policy> policies) {
    if (policies.isEmpty()) {
      return "[none: idle_count 0]";
    }
    return policies.stream()
        .map(
            p ->
                "{periods "
                    + p.periods()
                    + " "
                    + p.timezone()
                    + ", idle_count "
                    + p.idleCount()
                    + ", idle_time "
                    + Durations.human(p.idleTime())
                    + ", scale_factor "
                    + p.scaleFactor()
                    + ", scale_factor_limit "
                    + p.scaleFactorLimit()
                    + ", preemptive_mode "
                    + p.preemptiveMode()
                    + "}")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
