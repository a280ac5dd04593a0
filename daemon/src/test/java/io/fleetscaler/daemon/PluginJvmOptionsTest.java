package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginJvmOptionsTest {
  @Test
  void optionsOfNewerJavasAreAddedOnlyWhereTheyExist() {
    assertThat(PluginJvmOptions.defaults(v("21.0.3"))).isEqualTo(PluginJvmOptions.DEFAULTS);
    assertThat(PluginJvmOptions.defaults(v("21.0.4")))
        .endsWith("-XX:TrimNativeHeapInterval=5000")
        .doesNotContain("-XX:+UseCompactObjectHeaders");
    assertThat(PluginJvmOptions.defaults(v("22"))).endsWith("-XX:TrimNativeHeapInterval=5000");
    assertThat(PluginJvmOptions.defaults(v("24.0.2")))
        .doesNotContain("-XX:+UseCompactObjectHeaders");
    assertThat(PluginJvmOptions.defaults(v("25")))
        .endsWith("-XX:TrimNativeHeapInterval=5000", "-XX:+UseCompactObjectHeaders");
  }

  private static Runtime.Version v(String version) {
    return Runtime.Version.parse(version);
  }

  @Test
  void theOperatorsOptionsComeLastSoTheyWin() {
    List<String> flags =
        PluginJvmOptions.flags(
            Map.of(PluginJvmOptions.OPERATOR_OPTIONS, " -XX:-UseCompactObjectHeaders  -Xmx64m "));

    assertThat(flags)
        .containsSequence(PluginJvmOptions.defaults(Runtime.version()))
        .endsWith("-XX:-UseCompactObjectHeaders", "-Xmx64m");
  }

  @Test
  void noDefaultsWhenTheJvmIsLeftToItsErgonomics() {
    List<String> flags = PluginJvmOptions.flags(Map.of("FLEETSCALER_JVM_DEFAULTS", "none"));

    assertThat(flags).doesNotContain("-XX:TieredStopAtLevel=1", "-Xms8m");
  }
}
