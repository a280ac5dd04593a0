package io.fleetscaler.core.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The {@link SnapshotWriter}: one daemon thread, a change counter and a queue of durable waiters.
 *
 * <h2>Design</h2>
 *
 * Request threads increment {@code requested} after making their change (a volatile write); the
 * writer reads {@code requested} before it takes the snapshot (a volatile read), so every change
 * counted up to that value happened-before the snapshot's reads and is in it. After the save the
 * writer publishes {@code saved} and completes every waiter whose number is at most the value it
 * read. A waiter enqueued after the writer's scan is completed by the next write, which its own
 * {@code requested} increment guarantees will happen.
 *
 * <p>Wake-ups: the writer parks while {@code saved == requested}. A request thread unparks it only
 * when it wins the {@code idle} flag, so steady traffic costs one unpark per write, not one per
 * change. A plain change then waits up to {@code maxDelay} for company; a durable change cuts the
 * wait short (it sets {@code urgent} and unparks).
 */
final class GroupCommitWriter implements SnapshotWriter {
  private static final System.Logger LOG = System.getLogger(SnapshotWriter.class.getName());

  private record Waiter(long number, CompletableFuture<Void> future) {}

  private final StateStore store;
  private final Supplier<StoredState> snapshot;
  private final long maxDelayNanos;
  private final AtomicLong requested = new AtomicLong();
  private final AtomicBoolean idle = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong failureCount = new AtomicLong();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean urgent;
  private volatile long saved;
  private final Object saveLock = new Object();

  /** The least time between two log lines about one streak of failed saves. */
  static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  // The current streak of failed saves, for a log that says each fault once, rate-limited: the
  // first failure logs with its cause, later ones are counted into at most one line a minute, and
  // the first success after a streak says so. Guarded by saveLock.
  private long streak;
  private long unlogged;
  private long lastLogNanos;
  // Whether a save refused because the term ended was logged: once per writer, whose life is one
  // term. Guarded by saveLock.
  private boolean termEndLogged;

  GroupCommitWriter(StateStore store, Supplier<StoredState> snapshot, Duration maxDelay) {
    this.store = Objects.requireNonNull(store, "store");
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must be >= 0, got " + maxDelay);
    }
    this.maxDelayNanos = maxDelay.toNanos();
    this.thread =
        Thread.ofPlatform().daemon().name("fleetscaler-state-writer").unstarted(this::run);
    thread.start();
  }

  @Override
  public void changed() {
    requested.incrementAndGet();
    wake();
  }

  @Override
  public CompletableFuture<Void> changedDurably() {
    CompletableFuture<Void> future = new CompletableFuture<>();
    long number = requested.incrementAndGet();
    waiters.add(new Waiter(number, future));
    urgent = true;
    if (closed.get()) {
      // The thread may be gone: save on this caller's behalf.
      saveNow();
    } else {
      wake();
      LockSupport.unpark(thread);
    }
    return future;
  }

  private void wake() {
    if (idle.get() && idle.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!closed.get()) {
      idle.set(true);
      while (!closed.get() && saved == requested.get()) {
        LockSupport.park(this);
      }
      idle.set(false);
      if (closed.get()) {
        break;
      }
      long deadline = System.nanoTime() + maxDelayNanos;
      long left;
      while (!urgent && !closed.get() && (left = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, left);
      }
      saveNow();
    }
  }

  /** Takes a snapshot, saves it and completes the waiters it covers. Serialized. */
  private void saveNow() {
    synchronized (saveLock) {
      urgent = false;
      long covered = requested.get();
      IOException failure = null;
      try {
        store.save(snapshot.get());
      } catch (IOException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = new IOException("taking the state snapshot failed: " + e, e);
      }
      if (failure instanceof TermEndedException ended) {
        logTermEnded(ended);
      } else if (failure != null) {
        failureCount.incrementAndGet();
        logFailure(failure);
      } else {
        saved = covered;
        logRecovery();
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.number() <= covered) {
          it.remove();
          if (failure == null) {
            w.future().complete(null);
          } else {
            w.future().completeExceptionally(new UncheckedIOException(failure));
          }
        }
      }
      if (failure != null) {
        // Do not spin on a broken disk: the next change retries.
        saved = covered;
      }
    }
  }

  private void logFailure(IOException failure) {
    streak++;
    long now = System.nanoTime();
    if (streak > 1 && now - lastLogNanos < LOG_INTERVAL_NANOS) {
      unlogged++;
      return;
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "saving scaler state to {0} failed{1}: {2}; acquisitions waiting for it fail, the next"
            + " change retries",
        store.file(),
        unlogged > 0 ? " (" + unlogged + " more times since the last report)" : "",
        String.valueOf(failure));
    lastLogNanos = now;
    unlogged = 0;
  }

  /** Losing leadership is expected: said once, at WARNING, with its cause and no trace. */
  private void logTermEnded(TermEndedException ended) {
    if (!termEndLogged) {
      termEndLogged = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "scaler state not saved to {0}: {1}; this node no longer leads, the next leader owns the"
              + " state (acquisitions waiting for it fail with retry; logged once per term)",
          store.file(),
          ended.getMessage());
    }
  }

  private void logRecovery() {
    if (streak > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "saving scaler state to {0} works again after {1} failed saves",
          store.file(),
          streak);
      streak = 0;
      unlogged = 0;
    }
  }

  @Override
  public void flush() {
    try {
      changedDurably().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LockSupport.unpark(thread);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requested.incrementAndGet();
    saveNow();
  }

  @Override
  public long failures() {
    return failureCount.get();
  }
}
