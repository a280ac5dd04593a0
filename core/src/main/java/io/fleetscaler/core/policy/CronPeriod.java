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
 * it matches. Immutable and thread-safe (cron-utils' parsed forms are immutable).
 */
final class CronPeriod {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ExecutionTime executionTime;
  private final ZoneId zone;

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
    ZonedDateTime local = instant.atZone(zone);
    return executionTime.isMatch(local);
  }
}
