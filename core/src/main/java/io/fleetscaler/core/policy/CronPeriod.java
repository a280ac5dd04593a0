package io.fleetscaler.core.policy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.jspecify.annotations.Nullable;

/**
 * One compiled 5-field cron expression read as a time range: it contains every instant whose minute
 * it matches. Thread-safe (cron-utils' parsed forms are immutable).
 *
 * <p>The answer is the same for every instant of one local minute, and cron-utils takes
 * microseconds to give it, while the scaler asks for the active policy on every refused reservation
 * and every plan. So the last minute asked about is remembered: one volatile read of an immutable
 * pair, no lock; a race merely computes the same answer twice.
 */
final class CronPeriod {

  /** The last local minute (since the epoch) asked about, and whether it matched. */
  private record Memo(long localMinute, boolean matches) {}

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ExecutionTime executionTime;
  private final ZoneId zone;
  private volatile Memo memo = new Memo(Long.MIN_VALUE, false);

  CronPeriod(String expression, ZoneId zone) {
    this.executionTime = ExecutionTime.forCron(PARSER.parse(expression).validate());
    this.zone = zone;
  }

  /** Why {@code expression} is not a valid 5-field cron expression, or null if it is. */
  static @Nullable String problem(String expression) {
    try {
      PARSER.parse(expression).validate();
      return null;
    } catch (IllegalArgumentException e) {
      return "is not a valid 5-field cron expression: " + e.getMessage();
    }
  }

  /** Whether the minute containing {@code instant}, in this period's zone, matches. */
  boolean contains(Instant instant) {
    long offset = zone.getRules().getOffset(instant).getTotalSeconds();
    long localMinute = Math.floorDiv(instant.getEpochSecond() + offset, 60);
    Memo last = memo;
    if (last.localMinute() == localMinute) {
      return last.matches();
    }
    ZonedDateTime local = instant.atZone(zone);
    boolean matches = executionTime.isMatch(local);
    memo = new Memo(localMinute, matches);
    return matches;
  }
}
