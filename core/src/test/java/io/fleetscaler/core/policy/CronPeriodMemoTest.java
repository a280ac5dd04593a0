package io.fleetscaler.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The remembered minute never changes an answer: a reused period agrees with a fresh one. */
class CronPeriodMemoTest {

  private static final List<String> EXPRESSIONS =
      List.of("* 8-17 * * mon-fri", "30-45 * * * *", "* * * * *", "0 0 1 * *", "*/7 22-23 * * 0");
  private static final List<String> ZONES =
      List.of("UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe");

  @Property(tries = 200)
  void reusedPeriodAnswersLikeAFreshOne(
      @ForAll @IntRange(min = 0, max = 4) int expression,
      @ForAll @IntRange(min = 0, max = 4) int zone,
      @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 180) Long> stepsSeconds,
      @ForAll @LongRange(min = 1_700_000_000L, max = 1_900_000_000L) long startSecond) {
    String cron = EXPRESSIONS.get(expression);
    ZoneId id = ZoneId.of(ZONES.get(zone));
    CronPeriod reused = new CronPeriod(cron, id);
    Instant t = Instant.ofEpochSecond(startSecond);
    for (long step : stepsSeconds) {
      // Steps of up to three minutes, often within one minute, cross minute edges both ways.
      t = t.plusSeconds(step).minusSeconds(step % 3 == 0 ? 59 : 0);
      assertThat(reused.contains(t))
          .as("%s in %s at %s", cron, id, t)
          .isEqualTo(new CronPeriod(cron, id).contains(t));
    }
  }
}
