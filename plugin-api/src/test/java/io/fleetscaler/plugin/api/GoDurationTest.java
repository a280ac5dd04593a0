package io.fleetscaler.plugin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({"0,PT0S", "30s,PT30S", "1m30s,PT1M30S", "500ms,PT0.5S", "2h,PT2H", "15m,PT15M"})
  void parsesGitlabRunnerStyleDurations(String text, String iso) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource({"0,0s", "30s,30s", "1m30s,90s", "500ms,500ms", "1500us,1500000ns"})
  void formatsSoThatParsingGivesTheSameDurationBack(String text, String formatted) {
    assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(formatted);
    assertThat(GoDuration.parse(formatted)).isEqualTo(GoDuration.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "s", "1x", "1m 30s", "-5s", "1.5s", "30s "})
  void rejectsAnythingElseNamingTheText(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }
}
