package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Without moto_server the AWS tests fail, saying how to install it; they never skip. */
class MotoServerTest {

  @Test
  void aMissingMotoServerFailsWithInstallInstructions() {
    assertThatThrownBy(() -> MotoServer.start("/nonexistent/fleetscaler-test-path"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("moto_server is not on PATH")
        .hasMessageContaining("pip install");
  }
}
