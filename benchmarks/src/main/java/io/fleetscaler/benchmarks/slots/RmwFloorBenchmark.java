package io.fleetscaler.benchmarks.slots;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The physical floor under an acquire+release pair: {@code rmws} compare-and-sets on a line only
 * the calling thread writes, and nothing else. Run it in the same JMH run as {@link
 * SlotAllocatorBenchmark} and divide by its {@code reentrantlock} pairs: that is the best ratio any
 * allocator doing that many atomic read-modify-writes per pair can reach on this machine.
 *
 * <ul>
 *   <li>{@code 2}: the least a pair can do and stay safe without a lock (one CAS to take the slot,
 *       one to free it), with no key table, no linearizable refusal and no removal notice.
 *   <li>{@code 10}: what {@code core}'s allocator does (see its design block): permit take, bracket
 *       begin and end, word CAS twice, owner cell twice, key cell twice, use counter.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RmwFloorBenchmark {

  /** One padded line per thread. */
  @State(Scope.Thread)
  public static class Line {
    @Param({"2", "10"})
    public int rmws = 2;

    // 16 longs on each side: the written cell shares its line with no other thread's.
    final AtomicLongArray cells = new AtomicLongArray(33);
  }

  private static long pair(Line line) {
    AtomicLongArray cells = line.cells;
    long last = 0;
    for (int k = 0; k < line.rmws; k++) {
      long v = cells.get(16);
      cells.compareAndSet(16, v, v + 1);
      last = v;
    }
    return last;
  }

  /** One pair's read-modify-writes on one thread. */
  @Benchmark
  @Threads(1)
  public long floor1Thread(Line line) {
    return pair(line);
  }

  /** The same on each of two threads, each on its own line. */
  @Benchmark
  @Threads(2)
  public long floor2Threads(Line line) {
    return pair(line);
  }
}
