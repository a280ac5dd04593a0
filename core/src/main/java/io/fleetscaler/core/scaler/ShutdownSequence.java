package io.fleetscaler.core.scaler;

import java.util.concurrent.ExecutorService;

/**
 * The scaler's shutdown, in its order: the loop stops, waiting demand fails, instances are deleted
 * (with {@code delete_instances_on_shutdown}, polling until the plugin reports none), the state is
 * saved one last time, and only then is the plugin shut down.
 *
 * <p>Runs once, on the caller's thread, after the shutdown flag was set (so no request adds demand
 * and no event plans any more); each step that touches the provisioner's side takes the control
 * lock, and the polls between deletion steps sleep outside it.
 */
final class ShutdownSequence {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final EngineParts p;

  ShutdownSequence(EngineParts parts) {
    this.p = parts;
  }

  void run() {
    TaskScaler.Builder options = p.options;
    TickLoop loop = p.control.loop();
    if (loop != null) {
      loop.stop();
    }
    p.withControl(
        () -> {
          p.demand.shutDownLocked();
          if (options.deleteInstancesOnShutdown && p.provisioner.update()) {
            deleteAllLocked();
          }
          p.provisioner.publishKnown();
        });
    if (options.deleteInstancesOnShutdown) {
      awaitDeletion();
    }
    p.state.close(); // the last save, before the plugin goes: nothing after it changes the fleet
    // Only now: a plugin shut down first could not delete or report anything (the reference
    // stack once killed its plugin before scaling in and leaked every instance).
    options.group.shutdown();
    ExecutorService owned = p.ownedExecutor;
    if (owned != null) {
      // Checks still running are abandoned: their outcomes would never be applied.
      owned.shutdownNow();
    }
  }

  /** Revokes every held slot and asks the cloud to delete every instance. Under control. */
  private void deleteAllLocked() {
    p.provisioner.revokeAll("the scaler shut down and deletes its instances");
    p.actuator.planAndApply(p.activePolicy(), 0, true);
  }

  /**
   * Polls the plugin every {@code shutdown_deletion_interval}, at most {@code
   * shutdown_deletion_retries} times, until it reports no instance; deletes what appears meanwhile
   * (instances whose creation was under way).
   */
  private void awaitDeletion() {
    TaskScaler.Builder options = p.options;
    boolean[] gone = {false};
    p.withControl(() -> gone[0] = p.provisioner.empty());
    for (int poll = 0; poll < options.shutdownDeletionRetries && !gone[0]; poll++) {
      try {
        options.sleeper.sleep(options.shutdownDeletionInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      p.withControl(
          () -> {
            if (p.provisioner.update()) {
              deleteAllLocked();
              gone[0] = p.provisioner.empty();
            }
            p.provisioner.publishKnown();
          });
    }
    if (!gone[0]) {
      LOG.log(
          System.Logger.Level.WARNING,
          "shutdown: the plugin still reports instances after {0} polls; they stay in the saved"
              + " state (if enabled) and are deleted at the next start",
          options.shutdownDeletionRetries);
    }
  }
}
