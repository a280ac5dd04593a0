package io.fleetscaler.core.slots;

import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of reserve, acquire, release and unreserve across two instances, against {@link
 * SlotModel}: permits and placement racing over more than one instance word.
 *
 * <p>Three keys, each used by one thread at a time ({@code nonParallelGroup} per key), two
 * instances of one slot each and no use limit, so that which instance a claim lands on cannot
 * change any later result and the model may place claims anywhere.
 */
public class SlotAllocatorTwoInstanceLincheckTest {

  // Built on first use rather than in the constructor: Lincheck 2.39 walks the test instance's
  // object graph with Unsafe when it is created and cannot read record fields (the Slot handles).
  private final AtomicReference<@Nullable SlotAllocator> allocator = new AtomicReference<>();

  private SlotAllocator allocator() {
    SlotAllocator a = allocator.get();
    if (a == null) {
      SlotAllocator created =
          SlotAllocator.create(new SlotLimits(2, 1, 0), RemovalListener.ignoring(), () -> 0L);
      created.add("i0");
      created.add("i1");
      a = allocator.compareAndExchange(null, created);
      if (a == null) {
        a = created;
      }
    }
    return a;
  }

  private static String name(Claim claim) {
    return claim instanceof Slot ? "SLOT" : claim.toString();
  }

  @Operation(nonParallelGroup = "a")
  public String reserveA() {
    return name(allocator().reserve("a"));
  }

  @Operation(nonParallelGroup = "a")
  public String acquireA() {
    return name(allocator().acquire("a"));
  }

  @Operation(nonParallelGroup = "a")
  public String releaseA() {
    return allocator().release("a").name();
  }

  @Operation(nonParallelGroup = "a")
  public String unreserveA() {
    return allocator().unreserve("a").name();
  }

  @Operation(nonParallelGroup = "b")
  public String reserveB() {
    return name(allocator().reserve("b"));
  }

  @Operation(nonParallelGroup = "b")
  public String acquireB() {
    return name(allocator().acquire("b"));
  }

  @Operation(nonParallelGroup = "b")
  public String releaseB() {
    return allocator().release("b").name();
  }

  @Operation(nonParallelGroup = "b")
  public String unreserveB() {
    return allocator().unreserve("b").name();
  }

  @Operation(nonParallelGroup = "c")
  public String reserveC() {
    return name(allocator().reserve("c"));
  }

  @Operation(nonParallelGroup = "c")
  public String acquireC() {
    return name(allocator().acquire("c"));
  }

  @Operation(nonParallelGroup = "c")
  public String releaseC() {
    return allocator().release("c").name();
  }

  @Test
  void modelChecking() {
    ModelCheckingOptions options =
        new ModelCheckingOptions()
            .iterations(20)
            .invocationsPerIteration(300)
            .threads(3)
            .actorsPerThread(3)
            .sequentialSpecification(Spec.class);
    LinChecker.check(SlotAllocatorTwoInstanceLincheckTest.class, options);
  }

  @Test
  void stress() {
    StressOptions options =
        new StressOptions()
            .iterations(30)
            .invocationsPerIteration(3_000)
            .threads(3)
            .actorsPerThread(3)
            .sequentialSpecification(Spec.class);
    LinChecker.check(SlotAllocatorTwoInstanceLincheckTest.class, options);
  }

  /** The model behind the same operations. */
  public static final class Spec {
    private final SlotModel model = new SlotModel(1, 0);

    public Spec() {
      model.add("i0");
      model.add("i1");
    }

    private static String name(Claim claim) {
      return claim instanceof Slot ? "SLOT" : claim.toString();
    }

    public String reserveA() {
      return name(model.reserve("a", null));
    }

    public String acquireA() {
      return name(model.acquire("a", null));
    }

    public String releaseA() {
      return model.release("a").name();
    }

    public String unreserveA() {
      return model.unreserve("a").name();
    }

    public String reserveB() {
      return name(model.reserve("b", null));
    }

    public String acquireB() {
      return name(model.acquire("b", null));
    }

    public String releaseB() {
      return model.release("b").name();
    }

    public String unreserveB() {
      return model.unreserve("b").name();
    }

    public String reserveC() {
      return name(model.reserve("c", null));
    }

    public String acquireC() {
      return name(model.acquire("c", null));
    }

    public String releaseC() {
      return model.release("c").name();
    }
  }
}
