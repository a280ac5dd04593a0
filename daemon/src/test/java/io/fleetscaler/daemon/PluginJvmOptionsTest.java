package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginJvmOptionsTest {
  @Test
  void optionsOfNewerJavasAreAddedOnlyWhereTheyExist() {
    assertThat(PluginJvmOptions.defaults(21)).isEqualTo(PluginJvmOptions.DEFAULTS);
    assertThat(PluginJvmOptions.defaults(22))
        .endsWith("-XX:TrimNativeHeapInterval=5000")
        .doesNotContain("-XX:+UseCompactObjectHeaders");
    assertThat(PluginJvmOptions.defaults(25))
        .endsWith("-XX:TrimNativeHeapInterval=5000", "-XX:+UseCompactObjectHeaders");
  }

  @Test
  void theOperatorsOptionsComeLastSoTheyWin() {
    List<String> flags =
        PluginJvmOptions.flags(
            Map.of(PluginJvmOptions.OPERATOR_OPTIONS, " -XX:-UseCompactObjectHeaders  -Xmx64m "));

    assertThat(flags)
        .containsSequence(PluginJvmOptions.defaults(Runtime.version().feature()))
        .endsWith("-XX:-UseCompactObjectHeaders", "-Xmx64m");
  }

  @Test
  void noDefaultsWhenTheJvmIsLeftToItsErgonomics() {
    List<String> flags = PluginJvmOptions.flags(Map.of("FLEETSCALER_JVM_DEFAULTS", "none"));

    assertThat(flags).doesNotContain("-XX:TieredStopAtLevel=1", "-Xms8m");
  }
}
