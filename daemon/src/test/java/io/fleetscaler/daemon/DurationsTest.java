package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.GoDuration;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "0,0s",
    "2s,2s",
    "20m,20m",
    "20m0s,20m",
    "60m,1h",
    "1h30m,1h30m",
    "1h0m5s,1h5s",
    "250ms,250ms",
    "1500ms,1500ms",
    "36h,36h"
  })
  void writesWhatAnOperatorWouldAndParsesBack(String text, String expected) {
    Duration d = GoDuration.parse(text);
    assertThat(Durations.human(d)).isEqualTo(expected);
    assertThat(GoDuration.parse(expected)).isEqualTo(d);
  }
}
