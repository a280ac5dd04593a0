package io.fleetscaler.benchmarks.slots;

import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.RemovalListener;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotLimits;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Acquire+release pairs: the lock-free allocator against its two baselines, in the same run, on 1
 * and 2 threads, over fleets of 10 to 100 000 instances.
 *
 * <p>Every instance has capacity 4 with 2 slots already acquired by filler keys, so placement has a
 * whole fleet of equally full candidates to choose from (the scan baseline must look at all of
 * them). Each thread uses its own key, as a job does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SlotAllocatorBenchmark {

  /** The allocator under test, shared by the benchmark threads. */
  @State(Scope.Benchmark)
  public static class Fleet {
    @Param({"lockfree", "reentrantlock", "synchronized"})
    public String impl = "lockfree";

    @Param({"10", "1000", "100000"})
    public int instances = 10;

    SlotAllocator allocator = newAllocator("lockfree", 10);
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
      allocator = newAllocator(impl, instances);
      for (int i = 0; i < instances; i++) {
        allocator.add("instance-" + i);
      }
      for (int f = 0; f < instances * 2; f++) {
        Claim c = allocator.acquire("filler-" + f);
        if (!(c instanceof io.fleetscaler.core.slots.Slot)) {
          throw new IllegalStateException("filler " + f + " got " + c);
        }
      }
    }

    static SlotAllocator newAllocator(String impl, int instances) {
      SlotLimits limits = new SlotLimits(Math.max(instances, 16), 4, 0);
      return switch (impl) {
        case "lockfree" ->
            SlotAllocator.create(limits, RemovalListener.ignoring(), System::nanoTime);
        case "reentrantlock" -> new LockedSlotAllocator(limits);
        case "synchronized" -> new SynchronizedScanSlotAllocator(limits);
        default -> throw new IllegalArgumentException("unknown impl " + impl);
      };
    }
  }

  /** One job key per benchmark thread. */
  @State(Scope.Thread)
  public static class Job {
    String key = "job";

    @Setup(Level.Trial)
    public void setUp(Fleet fleet) {
      key = "job-" + fleet.threads.getAndIncrement();
    }
  }

  private static Outcome pair(Fleet fleet, Job job, Blackhole bh) {
    bh.consume(fleet.allocator.acquire(job.key));
    return fleet.allocator.release(job.key);
  }

  /** One acquire and one release on one thread. */
  @Benchmark
  @Threads(1)
  public Outcome acquireRelease1Thread(Fleet fleet, Job job, Blackhole bh) {
    return pair(fleet, job, bh);
  }

  /** One acquire and one release on each of two threads (the machine's two cores). */
  @Benchmark
  @Threads(2)
  public Outcome acquireRelease2Threads(Fleet fleet, Job job, Blackhole bh) {
    return pair(fleet, job, bh);
  }
}
