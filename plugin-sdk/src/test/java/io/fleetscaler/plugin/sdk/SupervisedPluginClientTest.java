package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SupervisedPluginClientTest {

  @Test
  void restartBackoffDoublesUpToItsCap() {
    var spec =
        PluginLaunchSpec.of("p", List.of("p"))
            .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertThat(IntStream.range(0, 7).mapToObj(n -> SupervisedPluginClient.backoff(spec, n)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    assertThat(SupervisedPluginClient.backoff(spec, Integer.MAX_VALUE))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
