package io.fleetscaler.core.slots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Sequential behaviour: random programs of request and provisioner calls give the same results,
 * counts and instance views as {@link SlotModel}, and every claim lands on the thread's sticky
 * instance (its last claim's, while that one is live, ready and has room) or else on one of the
 * fullest ready instances with room.
 */
class SlotAllocatorPropertyTest {

  enum Kind {
    RESERVE,
    ACQUIRE,
    RELEASE,
    UNRESERVE,
    ADD,
    DRAIN,
    UNHEALTHY,
    HEALTHY,
    REMOVE
  }

  record Step(Kind kind, int key, int instance) {}

  @Provide
  Arbitrary<List<Step>> programs() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.RESERVE)),
            net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.ACQUIRE)),
            net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.RELEASE)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.UNRESERVE)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.ADD)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.DRAIN)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.UNHEALTHY)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.HEALTHY)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.REMOVE)));
    Arbitrary<Step> steps =
        Combinators.combine(
                kinds, Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 4))
            .as(Step::new);
    return steps.list().ofMinSize(1).ofMaxSize(120);
  }

  @Property(tries = 400)
  void behavesLikeTheModel(
      @ForAll("programs") List<Step> program,
      @ForAll @IntRange(min = 1, max = 4) int capacity,
      @ForAll @IntRange(min = 0, max = 5) int maxUse) {
    List<String> revoked = new ArrayList<>();
    SlotAllocator allocator =
        SlotAllocator.create(
            new SlotLimits(4, capacity, maxUse),
            (key, instanceId, cause) -> revoked.add(key + "@" + instanceId + ":" + cause),
            () -> 42L);
    SlotModel model = new SlotModel(capacity, maxUse);
    allocator.add("i0");
    model.add("i0");

    for (Step step : program) {
      String key = "k" + step.key();
      String id = "i" + step.instance();
      switch (step.kind()) {
        case RESERVE -> {
          Claim got = allocator.reserve(key);
          assertThat(got).isEqualTo(model.reserve(key, landedOn(got)));
        }
        case ACQUIRE -> {
          Claim got = allocator.acquire(key);
          assertThat(got).isEqualTo(model.acquire(key, landedOn(got)));
        }
        case RELEASE -> assertThat(allocator.release(key)).isEqualTo(model.release(key));
        case UNRESERVE -> assertThat(allocator.unreserve(key)).isEqualTo(model.unreserve(key));
        case ADD -> {
          if (!model.instances.containsKey(id) && model.instances.size() < 4) {
            allocator.add(id);
            model.add(id);
          }
        }
        case DRAIN -> assertThat(allocator.drain(id)).isEqualTo(model.drain(id));
        case UNHEALTHY ->
            assertThat(allocator.markUnhealthy(id)).isEqualTo(model.markUnhealthy(id));
        case HEALTHY -> assertThat(allocator.markHealthy(id)).isEqualTo(model.markHealthy(id));
        case REMOVE -> {
          revoked.clear();
          List<String> told = allocator.remove(id, "vanished");
          List<String> expected = model.remove(id);
          assertThat(told).containsExactlyInAnyOrderElementsOf(expected);
          assertThat(revoked)
              .containsExactlyInAnyOrderElementsOf(
                  expected.stream().map(k -> k + "@" + id + ":vanished").toList());
        }
      }
      assertThat(allocator.counts()).isEqualTo(model.counts());
      assertThat(views(allocator)).isEqualTo(views(model));
    }
  }

  @Property(tries = 200)
  void neverMoreUsesThanMaxUseCount(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 5) Integer> keys,
      @ForAll @IntRange(min = 1, max = 6) int maxUse) {
    SlotAllocator allocator =
        SlotAllocator.create(new SlotLimits(1, 3, maxUse), RemovalListener.ignoring(), () -> 0L);
    allocator.add("i0");
    int freed = 0;
    for (int k : keys) {
      String key = "k" + k;
      // Alternate acquire and release of a few keys until the budget runs out.
      if (allocator.acquire(key) instanceof Slot && k % 2 == 0) {
        assertThat(allocator.release(key)).isEqualTo(Outcome.FREED);
        freed++;
      }
    }
    InstanceView view = allocator.instances().get(0);
    assertThat(view.claims()).isLessThanOrEqualTo(maxUse);
    assertThat(view.completedUses()).isEqualTo(freed);
    assertThat(view.claims()).isGreaterThanOrEqualTo((int) view.completedUses());
    if (view.exhausted()) {
      assertThat(allocator.acquire("fresh")).isEqualTo(Refusal.NO_CAPACITY);
    }
  }

  @Property(tries = 100)
  void drainingTakesNoNewWorkButKeepsHeldSlots(
      @ForAll @IntRange(min = 1, max = 4) int held, @ForAll @IntRange(min = 4, max = 8) int cap) {
    SlotAllocator allocator =
        SlotAllocator.create(new SlotLimits(2, cap, 0), RemovalListener.ignoring(), () -> 0L);
    allocator.add("i0");
    for (int k = 0; k < held; k++) {
      assertThat(allocator.acquire("k" + k)).isInstanceOf(Slot.class);
    }
    assertThat(allocator.drain("i0")).isTrue();
    assertThat(allocator.reserve("new")).isEqualTo(Refusal.NO_CAPACITY);
    assertThat(allocator.counts().unavailable()).isEqualTo(cap - held);
    assertThat(allocator.instances().get(0).deletable()).isFalse();
    for (int k = 0; k < held; k++) {
      assertThat(allocator.release("k" + k)).isEqualTo(Outcome.FREED);
    }
    assertThat(allocator.instances().get(0).deletable()).isTrue();
  }

  /** Where the allocator put a claim, for the model to check and follow; null if refused. */
  private static @Nullable String landedOn(Claim claim) {
    return claim instanceof Slot slot ? slot.instanceId() : null;
  }

  record View(String id, String state, int held, int claims, long uses, boolean exhausted) {}

  private static List<View> views(SlotAllocator allocator) {
    return allocator.instances().stream()
        .map(
            v ->
                new View(
                    v.instanceId(),
                    v.state().name(),
                    v.held(),
                    v.claims(),
                    v.completedUses(),
                    v.exhausted()))
        .sorted(Comparator.comparing(View::id))
        .toList();
  }

  private static List<View> views(SlotModel model) {
    return model.instances.values().stream()
        .map(
            in ->
                new View(
                    in.id,
                    in.state.name(),
                    in.held(),
                    in.claims,
                    in.uses,
                    model.maxUse > 0 && in.claims >= model.maxUse))
        .sorted(Comparator.comparing(View::id))
        .toList();
  }
}
