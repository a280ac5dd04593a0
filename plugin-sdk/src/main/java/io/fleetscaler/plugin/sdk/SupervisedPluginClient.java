package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PluginClient} for a plugin subprocess that it keeps alive.
 *
 * <p>When the process exits without being asked to, the client kills what it left behind and
 * schedules a restart after {@code restartBackoff}, doubled per failed attempt up to {@code
 * maxRestartBackoff}. A restart re-runs the last successful {@code init} with the same arguments
 * before the new process takes calls; until then calls fail fast with {@link
 * ProviderException.Unavailable} naming the cause. {@link #close()} stops the current process and
 * any pending restart.
 *
 * <p>Thread-safety: all state is guarded by {@code lock}; calls to the plugin run outside it, so
 * concurrent calls proceed in parallel. Process exits are handled on the supervisor's own thread.
 */
final class SupervisedPluginClient extends ForwardingPluginClient {
  private final PluginLaunchSpec spec;
  private final Function<PluginLaunchSpec, LaunchedPlugin> launcher;
  private final ScheduledExecutorService supervisor;
  private final System.Logger log;
  private final Object lock = new Object();

  private @Nullable LaunchedPlugin current;
  private @Nullable InitCall lastInit;
  private @Nullable ScheduledFuture<?> pendingRestart;
  private String downBecause = "";
  private int failedAttempts;
  private int restarts;
  private boolean closed;

  private record InitCall(Settings settings, String pluginConfigJson) {
    @Override
    public String toString() {
      // Settings carry credentials; this record is never printed whole.
      return "InitCall";
    }
  }

  private SupervisedPluginClient(
      PluginLaunchSpec spec, Function<PluginLaunchSpec, LaunchedPlugin> launcher) {
    this.spec = spec;
    this.launcher = launcher;
    this.log = System.getLogger("plugin." + spec.name());
    this.supervisor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform()
                .name("plugin-" + spec.name() + "-supervisor")
                .daemon(true)
                .factory());
  }

  static SupervisedPluginClient start(PluginLaunchSpec spec, PluginLauncher launcher) {
    LaunchedPlugin first = launcher.launch(spec);
    var client = new SupervisedPluginClient(spec, launcher::launch);
    synchronized (client.lock) {
      client.adopt(first);
    }
    return client;
  }

  private void adopt(LaunchedPlugin plugin) {
    current = plugin;
    var unused = plugin.process().onExit().thenRunAsync(() -> exited(plugin), supervisor);
  }

  private void exited(LaunchedPlugin plugin) {
    synchronized (lock) {
      if (closed || current != plugin) {
        return;
      }
      current = null;
      downBecause = plugin.exitDescription();
      log.log(Level.WARNING, "plugin {0} {1}; restarting it", spec.name(), downBecause);
      scheduleRestart();
    }
    plugin.kill(List.of());
  }

  private void scheduleRestart() {
    long delay = backoff(spec, failedAttempts).toMillis();
    pendingRestart = supervisor.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
  }

  /** The wait before restart attempt {@code failed + 1}: doubled per failure, capped. */
  static Duration backoff(PluginLaunchSpec spec, int failed) {
    Duration wait = spec.restartBackoff();
    for (int i = 0; i < failed && wait.compareTo(spec.maxRestartBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(spec.maxRestartBackoff()) > 0 ? spec.maxRestartBackoff() : wait;
  }

  private void restart() {
    InitCall init;
    synchronized (lock) {
      if (closed) {
        return;
      }
      init = lastInit;
    }
    LaunchedPlugin plugin = null;
    try {
      plugin = launcher.apply(spec);
      if (init != null) {
        var unused = plugin.group().within(window()).init(init.settings(), init.pluginConfigJson());
      }
    } catch (RuntimeException e) {
      if (plugin != null) {
        plugin.kill(List.of());
      }
      synchronized (lock) {
        failedAttempts++;
        downBecause = "restart attempt " + failedAttempts + " failed: " + e.getMessage();
        log.log(Level.WARNING, "plugin {0}: {1}", spec.name(), downBecause);
        if (!closed) {
          scheduleRestart();
        }
      }
      return;
    }
    synchronized (lock) {
      if (closed) {
        plugin.kill(List.of());
        return;
      }
      failedAttempts = 0;
      restarts++;
      adopt(plugin);
    }
    log.log(
        Level.INFO,
        "plugin {0} restarted as pid {1}",
        spec.name(),
        Long.toString(plugin.process().pid()));
  }

  @Override
  RemoteInstanceGroup group() {
    synchronized (lock) {
      if (closed) {
        throw new ProviderException.Unavailable("plugin " + spec.name() + " is closed");
      }
      LaunchedPlugin plugin = current;
      if (plugin == null) {
        throw new ProviderException.Unavailable(
            "plugin " + spec.name() + " is down (" + downBecause + ") and being restarted");
      }
      return plugin.group();
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Optional<ProcessHandle> process() {
    synchronized (lock) {
      LaunchedPlugin plugin = current;
      return plugin == null ? Optional.empty() : Optional.of(plugin.process().toHandle());
    }
  }

  @Override
  public int restarts() {
    synchronized (lock) {
      return restarts;
    }
  }

  @Override
  public void close() {
    LaunchedPlugin plugin;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ScheduledFuture<?> pending = pendingRestart;
      if (pending != null) {
        pending.cancel(false);
      }
      plugin = current;
      current = null;
    }
    if (plugin != null) {
      plugin.stop(spec.shutdownGrace());
    }
    supervisor.shutdown();
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    ProviderInfo info = group().init(settings, pluginConfigJson);
    synchronized (lock) {
      lastInit = new InitCall(settings, pluginConfigJson);
    }
    return info;
  }
}
