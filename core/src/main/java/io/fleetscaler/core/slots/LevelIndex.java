package io.fleetscaler.core.slots;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Placement hints: for each level {@code 1..levels} (an instance's count of claimable slots), a
 * two-level bitset of the instances believed to be at that level.
 *
 * <p>The bits are hints, never the truth: the instance word decides every claim. A writer that
 * moves an instance from level {@code a} to {@code b} sets bit {@code b} and leaves bit {@code a}
 * ({@link #move}); a reader that finds a bit at a level fuller than the instance really is, or on a
 * full instance, clears it ({@link #clearStale}). Both clear with the same Dekker-style check:
 * clear, then re-read the instance word through {@code levelNow}, and set the bit again if the
 * instance is at that level after all. All accesses are volatile read-modify-writes (full fences),
 * so of a clear and a concurrent set of the same bit at least one side sees the other: a live
 * instance never stays invisible at its true level once its writers return. The summary bit of a
 * leaf word follows the same protocol.
 *
 * <p>Cost: a search reads at most {@code ceil(n / 4096)} summary words (at most 64) plus one leaf
 * word per candidate, per level.
 */
final class LevelIndex {

  /** Reads an instance's true level (0 = takes no claims) from its word. */
  @FunctionalInterface
  interface LevelProbe {
    int levelNow(int instance);
  }

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[][] leaves;
  private final long[][] summaries;
  private final int leafWords;
  private final LevelProbe probe;

  LevelIndex(int levels, int maxInstances, LevelProbe probe) {
    this.probe = probe;
    this.leafWords = (maxInstances + 63) >>> 6;
    int summaryWords = (leafWords + 63) >>> 6;
    leaves = new long[levels + 1][];
    summaries = new long[levels + 1][];
    for (int level = 0; level <= levels; level++) {
      leaves[level] = new long[leafWords];
      summaries[level] = new long[summaryWords];
    }
  }

  private static long or(long[] words, int index, long bits) {
    return (long) WORDS.getAndBitwiseOr(words, index, bits);
  }

  private static long and(long[] words, int index, long bits) {
    return (long) WORDS.getAndBitwiseAnd(words, index, bits);
  }

  /** Records that {@code instance} moved from level {@code from} to level {@code to}. */
  void move(int instance, int from, int to) {
    if (from == to) {
      return;
    }
    if (to > 0) {
      set(to, instance);
    }
    // The bit at the old level is left behind: clearing it would cost two read-modify-writes of
    // shared index words on every release, and with sticky placement the thread that moves an
    // instance usually moves it back soon (acquire 2 -> 1, release 1 -> 2), finding both bits set
    // and writing nothing. A bit left at a higher level than the instance's true one is harmless:
    // a search that meets it takes the instance, which is fuller than the level promised. A bit
    // left at a lower (fuller) level, or on a full instance, is cleared by the first search that
    // meets it (clearStale), so searches still place on the truly fullest instance.
  }

  /** Clears a bit believed stale, restoring it if the instance turns out to be at that level. */
  void clearStale(int level, int instance) {
    int word = instance >>> 6;
    long bit = 1L << instance;
    long[] leaf = leaves[level];
    if (((long) WORDS.getVolatile(leaf, word) & bit) == 0) {
      return;
    }
    long before = and(leaf, word, ~bit);
    if (before == bit) {
      clearSummary(level, word);
    }
    if (probe.levelNow(instance) == level) {
      set(level, instance);
    }
  }

  private void set(int level, int instance) {
    int word = instance >>> 6;
    long bit = 1L << instance;
    long[] leaf = leaves[level];
    // A plain check first: in steady state the bit is usually set already, and a read of a shared
    // line is far cheaper than a read-modify-write on it.
    if (((long) WORDS.getVolatile(leaf, word) & bit) == 0) {
      or(leaf, word, bit);
    }
    long[] summary = summaries[level];
    long summaryBit = 1L << word;
    if (((long) WORDS.getVolatile(summary, word >>> 6) & summaryBit) == 0) {
      or(summary, word >>> 6, summaryBit);
    }
  }

  private void clearSummary(int level, int word) {
    long[] summary = summaries[level];
    long summaryBit = 1L << word;
    and(summary, word >>> 6, ~summaryBit);
    if ((long) WORDS.getVolatile(leaves[level], word) != 0) {
      or(summary, word >>> 6, summaryBit);
    }
  }

  /**
   * Some instance other than {@code skip} (-1: none) whose bit is set at {@code level}, searching
   * from {@code start} (so that threads spread over the candidates of one level), or -1.
   */
  int find(int level, int start, int skip) {
    long[] summary = summaries[level];
    long[] leaf = leaves[level];
    int summaryWords = summary.length;
    int startWord = (start >>> 6) % leafWords;
    for (int s = 0; s < summaryWords; s++) {
      int summaryIndex = ((startWord >>> 6) + s) % summaryWords;
      long bits = (long) WORDS.getVolatile(summary, summaryIndex);
      while (bits != 0) {
        int word = (summaryIndex << 6) + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        long leafBits = (long) WORDS.getVolatile(leaf, word);
        if (word == skip >>> 6) {
          leafBits &= ~(1L << skip);
        }
        if (leafBits != 0) {
          // The start picks among the candidates of this word evenly, however few they are: a
          // rotation by bit position would send every start past the last candidate to the first.
          for (int k = Integer.remainderUnsigned(start, Long.bitCount(leafBits)); k > 0; k--) {
            leafBits &= leafBits - 1;
          }
          return (word << 6) + Long.numberOfTrailingZeros(leafBits);
        }
      }
    }
    return -1;
  }
}
