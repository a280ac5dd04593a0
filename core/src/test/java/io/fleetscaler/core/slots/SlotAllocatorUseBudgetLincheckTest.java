package io.fleetscaler.core.slots;

import static io.fleetscaler.core.slots.LincheckScenarios.scenario;

import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of releases that race under {@code max_use_count}, against {@link SlotModel}.
 *
 * <p>One instance with two slots and a use budget of three starts with keys {@code a} and {@code c}
 * acquired: one claim left. Whichever release comes first frees a claimable slot, the second frees
 * one that the budget no longer allows; so the permit a release publishes depends on the order.
 * {@code c} reserves again after its release: once that release has returned, whatever the order, a
 * slot is claimable, so the reserve must not be refused.
 *
 * <p>Measured: on the design before the release bracket, the first scenario failed within 0.3 s (a
 * release that published nothing returned while the other had freed its slot and not yet published;
 * the reserve after it was refused), and model checking found the same interleaving. Model checking
 * cannot run on the fixed design: Lincheck 2.39 reports the refusal that waits for the open bracket
 * as a hang instead of switching to the thread that closes it; so these run on real threads.
 */
public class SlotAllocatorUseBudgetLincheckTest {

  // Built here so that Lincheck knows it as shared from the start and switches threads at its
  // every access; filled by setUp, the scenarios' initial part, because Lincheck walks this
  // object's graph when it creates it and cannot read the fields of the slot handles (records)
  // that adding an instance creates.
  private final SlotAllocator allocator =
      new PackingSlotAllocator(new SlotLimits(1, 2, 3), RemovalListener.ignoring(), () -> 0L, 2);

  private SlotAllocator allocator() {
    return allocator;
  }

  @Operation
  public void setUp() {
    allocator.add("i0");
    allocator.acquire("a");
    allocator.acquire("c");
  }

  private static String name(Claim claim) {
    return claim instanceof Slot ? "SLOT" : claim.toString();
  }

  @Operation(nonParallelGroup = "a")
  public String releaseA() {
    return allocator().release("a").name();
  }

  @Operation(nonParallelGroup = "c")
  public String releaseC() {
    return allocator().release("c").name();
  }

  @Operation(nonParallelGroup = "c")
  public String reserveC() {
    return name(allocator().reserve("c"));
  }

  @Operation(nonParallelGroup = "a")
  public String acquireA() {
    return name(allocator().acquire("a"));
  }

  @Operation(nonParallelGroup = "b")
  public String reserveB() {
    return name(allocator().reserve("b"));
  }

  @Operation(nonParallelGroup = "b")
  public String unreserveB() {
    return allocator().unreserve("b").name();
  }

  @Test
  void stress() {
    StressOptions options =
        new StressOptions()
            .iterations(0)
            .invocationsPerIteration(50_000)
            .addCustomScenario(
                scenario(
                    SlotAllocatorUseBudgetLincheckTest.class,
                    List.of("setUp"),
                    List.of(List.of("releaseA"), List.of("releaseC", "reserveC"))))
            .addCustomScenario(
                scenario(
                    SlotAllocatorUseBudgetLincheckTest.class,
                    List.of("setUp"),
                    List.of(
                        List.of("releaseA", "acquireA"),
                        List.of("releaseC", "reserveC"),
                        List.of("reserveB", "unreserveB"))))
            .sequentialSpecification(Spec.class);
    LinChecker.check(SlotAllocatorUseBudgetLincheckTest.class, options);
  }

  /** The model behind the same operations. */
  public static final class Spec {
    private final SlotModel model = new SlotModel(2, 3);

    public void setUp() {
      model.add("i0");
      model.acquire("a", null);
      model.acquire("c", null);
    }

    private static String name(Claim claim) {
      return claim instanceof Slot ? "SLOT" : claim.toString();
    }

    public String releaseA() {
      return model.release("a").name();
    }

    public String releaseC() {
      return model.release("c").name();
    }

    public String reserveC() {
      return name(model.reserve("c", null));
    }

    public String acquireA() {
      return name(model.acquire("a", null));
    }

    public String reserveB() {
      return name(model.reserve("b", null));
    }

    public String unreserveB() {
      return model.unreserve("b").name();
    }
  }
}
