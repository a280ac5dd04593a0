package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginLaunchSpecTest {

  @Test
  void environmentValuesStayOutOfItsText() {
    var spec =
        PluginLaunchSpec.of("aws", List.of("/usr/bin/fleeting-plugin-aws"))
            .withEnvironment(Map.of("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"));
    assertThat(spec.toString()).contains("AWS_SECRET_ACCESS_KEY").doesNotContain("wJalrXUtnFEMI");
  }

  @Test
  void refusesNonsenseNamingTheValue() {
    var spec = PluginLaunchSpec.of("p", List.of("p"));
    assertThatThrownBy(() -> PluginLaunchSpec.of("p", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command is empty");
    assertThatThrownBy(() -> spec.withStartTimeout(Duration.ZERO))
        .hasMessageContaining("startTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> spec.withRestartBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessageContaining("maxRestartBackoff PT1S is below restartBackoff PT5S");
    assertThatThrownBy(() -> spec.withCookie(" ", "v")).hasMessageContaining("cookie key is blank");
  }
}
