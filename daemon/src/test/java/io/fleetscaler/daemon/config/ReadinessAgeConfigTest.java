package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code readiness_max_update_age}: the bound {@code /readyz} compares the last update with. */
class ReadinessAgeConfigTest {

  @TempDir Path tmp;

  private GroupConfig load(String extra) throws Exception {
    Path file = tmp.resolve("fleetscaler.toml");
    Files.writeString(
        file,
        "[[group]]\nname = \"g\"\nplugin = \"simulated\"\nmax_instances = 5\n" + extra + "\n");
    return ConfigFile.load(file).groups().get(0);
  }

  @Test
  void defaultsToFiveMinutesOrThreeUpdateIntervalsWhicheverIsLonger() throws Exception {
    assertThat(load("").readinessMaxUpdateAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(load("update_interval = \"10m\"").readinessMaxUpdateAge())
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void isReadAsAGoDuration() throws Exception {
    assertThat(load("readiness_max_update_age = \"90s\"").readinessMaxUpdateAge())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void zeroIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("readiness_max_update_age = \"0s\""))
        .hasMessageContaining("readiness_max_update_age");
  }
}
