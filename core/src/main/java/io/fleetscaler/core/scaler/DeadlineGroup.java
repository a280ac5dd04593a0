package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The scaler's view of its plugin: every call carries a deadline, as it does over the plugin wire,
 * also when the plugin is an {@link InstanceGroup} in this JVM that no channel stands between.
 *
 * <p>Each call runs on a virtual thread of its own while the caller waits at most the deadline.
 * When it passes, the caller stops waiting: the plugin's thread is interrupted and left to finish
 * (or not) on its own, and the caller gets {@link ProviderException.Unavailable#deadlineExceeded}
 * exactly as a {@code DEADLINE_EXCEEDED} from the wire reads. {@link PluginCalls} counts it as
 * {@code outcome="timeout"} and logs it with the method's other failures; calls it does not wrap
 * ({@code init}, {@code shutdown}) are logged here, once per call that ran out, which a deadline
 * itself spaces out.
 *
 * <p>Thread-safe: calls share nothing but the deadline, which is set before the scaler starts.
 */
final class DeadlineGroup implements InstanceGroup {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  /** The deadline of a call over the plugin wire by default (see {@code PluginLaunchSpec}). */
  static final Duration DEFAULT = Duration.ofMinutes(5);

  /** Methods whose callers go through {@link PluginCalls}, which logs their failures. */
  private static final Set<String> LOGGED_BY_CALLS =
      Set.of("update", "increase", "decrease", "heartbeat", "connect_info", "suspend", "resume");

  private final InstanceGroup plugin;
  // Null: calls run on the caller's thread, unbounded (TaskScaler.Builder#inlinePluginCalls).
  private volatile @Nullable Duration deadline = DEFAULT;

  DeadlineGroup(InstanceGroup plugin) {
    this.plugin = Objects.requireNonNull(plugin, "plugin");
  }

  /** The plugin this bounds, to wrap it further inside the deadline. */
  InstanceGroup plugin() {
    return plugin;
  }

  /** Sets the deadline of every later call; null runs them inline, without one. */
  void deadline(@Nullable Duration value) {
    deadline = value;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return bounded("init", () -> plugin.init(settings, pluginConfigJson));
  }

  @Override
  public List<InstanceStatus> update() {
    return bounded("update", plugin::update);
  }

  @Override
  public int increase(int delta) {
    return bounded("increase", () -> plugin.increase(delta));
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return bounded("decrease", () -> plugin.decrease(ids));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return bounded("connect_info", () -> plugin.connectInfo(id));
  }

  @Override
  public void heartbeat(String id) {
    bounded(
        "heartbeat",
        () -> {
          plugin.heartbeat(id);
          return Boolean.TRUE;
        });
  }

  @Override
  public void shutdown() {
    bounded(
        "shutdown",
        () -> {
          plugin.shutdown();
          return Boolean.TRUE;
        });
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return bounded("suspend", () -> plugin.suspend(ids));
  }

  @Override
  public List<String> resume(List<String> ids) {
    return bounded("resume", () -> plugin.resume(ids));
  }

  /** Runs {@code call} on its own virtual thread and waits for it at most the deadline. */
  private <T> T bounded(String method, Supplier<T> call) {
    Duration limit = deadline;
    if (limit == null) {
      return call.get();
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    Thread worker =
        Thread.ofVirtual()
            .name("fleetscaler-plugin-" + method)
            .start(
                () -> {
                  try {
                    answer.complete(call.get());
                  } catch (Throwable t) {
                    answer.completeExceptionally(t);
                  }
                });
    try {
      return answer.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      worker.interrupt();
      ProviderException.Unavailable late =
          ProviderException.Unavailable.deadlineExceeded(
              "plugin " + method + ": no answer within its deadline of " + limit, null);
      if (!LOGGED_BY_CALLS.contains(method)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "plugin {0} did not answer within its deadline of {1}; the caller stopped waiting",
            method,
            limit);
      }
      throw late;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
      throw new ProviderException.Unavailable("interrupted while waiting for plugin " + method, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ProviderException.Unavailable(
          "plugin " + method + " failed: " + cause, Objects.requireNonNull(cause));
    }
  }

  @Override
  public String toString() {
    return plugin.toString();
  }
}
