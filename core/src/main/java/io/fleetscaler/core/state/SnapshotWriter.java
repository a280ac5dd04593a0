package io.fleetscaler.core.state;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Saves snapshots of the scaler's state off the request path, by group commit.
 *
 * <p>Request threads only note that something changed ({@link #changed}, a counter increment and at
 * most one unpark per write) or ask to be told when their change is on disk ({@link
 * #changedDurably}). One background thread takes a snapshot from the supplier, saves it with {@link
 * StateStore#save} (fsync, rename, fsync) and then completes every waiter whose change came before
 * the snapshot was taken: one fsync serves every change made while the previous one ran. Plain
 * changes reach the disk within {@code maxDelay}; a durable change starts a write at once.
 *
 * <p>The supplier runs on the writer thread and must read only state that is safe to read there; a
 * change noted before the snapshot starts must be visible to it (note the change after making it,
 * through a volatile write or a concurrent collection).
 */
public interface SnapshotWriter extends AutoCloseable {

  /** Starts the writer thread. */
  static SnapshotWriter start(StateStore store, Supplier<StoredState> snapshot, Duration maxDelay) {
    return new GroupCommitWriter(store, snapshot, maxDelay);
  }

  /** Notes a change to be saved within the delay. Lock-free, never blocks. */
  void changed();

  /**
   * Notes a change and returns a future that completes once a snapshot taken after this call is
   * durable, or fails with the {@link java.io.IOException} (wrapped) if that save fails. Never
   * blocks.
   */
  CompletableFuture<Void> changedDurably();

  /**
   * Saves a snapshot now, on the calling thread's behalf, and waits for it.
   *
   * @throws java.io.UncheckedIOException if the save fails
   */
  void flush();

  /** Saves a last snapshot, then stops the thread. Idempotent. */
  @Override
  void close();

  /**
   * Saves that failed so far. The log says each streak of failures once with its cause, then at
   * most once a minute how many more failed, and once when saving works again. A save refused with
   * {@link TermEndedException} (a high-availability leader stepped down) is not a failure: it is
   * logged once at {@code WARNING} and counted by the store's owner.
   */
  long failures();
}
