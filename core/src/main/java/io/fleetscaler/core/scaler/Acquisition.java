package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A slot acquired for one key: where the job runs, until {@link TaskScaler#release}. Thread-safe.
 */
public interface Acquisition {

  /** The key that acquired the slot. */
  String key();

  /** The instance holding the slot. */
  String instanceId();

  /** The slot's index on its instance, {@code 0 <= slot < capacity_per_instance}. */
  int slot();

  /**
   * How to reach the instance now, asked of the plugin on every call (addresses and short-lived
   * credentials may change).
   *
   * @throws io.fleetscaler.plugin.api.ProviderException as the plugin reports it
   */
  ConnectInfo connectInfo();

  /**
   * Completes with the cause when the instance is lost while the slot is held (vanished from the
   * cloud, deleted by it, timed out); never completes otherwise. Run jobs against it so they stop
   * when their machine is gone.
   */
  CompletionStage<String> cancellation();

  /** The cause given to {@link #cancellation()}, or null while the instance is fine. */
  @Nullable String cancelCause();
}
