package io.fleetscaler.simulator.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.DemandSizing;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrontierStudyTest {

  @Test
  void specsSizedFromDemandUseStandbyOnlyWithABurstFactor() {
    FrontierStudy.Spec sized =
        FrontierStudy.Spec.parse("lead 20s, burst 1:lead=20,burst=1.5,window=60");
    assertThat(sized.name()).isEqualTo("lead 20s, burst 1");
    assertThat(sized.usesStandby()).isTrue();
    assertThat(sized.demand())
        .isEqualTo(new DemandSizing(Duration.ofSeconds(20), 1.5, Duration.ofMinutes(60)));

    FrontierStudy.Spec idleOnly = FrontierStudy.Spec.parse("lead only:lead=30");
    assertThat(idleOnly.usesStandby()).isFalse();
    assertThat(idleOnly.demand().window()).isEqualTo(DemandSizing.DEFAULT_WINDOW);

    assertThat(FrontierStudy.Spec.parse("plain:idle=5").demand().enabled()).isFalse();
  }

  @Test
  void aFreePoolIsASpecKey() {
    FrontierStudy.Spec s =
        FrontierStudy.Spec.parse("bound:lead=20,burst=0.5,window=120,standby=150,cost=0");
    assertThat(s.demand())
        .isEqualTo(new DemandSizing(Duration.ofSeconds(20), 0.5, Duration.ofHours(2)));
    assertThat(s.standbyCost()).isZero();
    assertThat(FrontierStudy.Spec.parse("plain:idle=5").standbyCost()).isEqualTo(0.05);
  }

  @Test
  void printedLinesReadBackForAReplot() {
    FrontierStudy.Line l =
        FrontierStudy.Line.parse(
            "idle 1, pool 30\tresume=20\tmean=18.53\tp95=60\tp99=61\trunning=18552"
                + "\tsuspended=17759\tcost=19439\twall=12.5s");
    assertThat(l).isNotNull();
    assertThat(l)
        .isEqualTo(
            new FrontierStudy.Line("idle 1, pool 30", 20, 18.53, 60, 61, 18552, 17759, 19439));
    assertThat(FrontierStudy.Line.parse("# idle 1 pools: standby weekdays [5, 5]")).isNull();
    assertThat(FrontierStudy.Line.parse("| configuration | running h |")).isNull();
  }
}
