package io.fleetscaler.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.config.LogFormat;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogOutputTest {

  @AfterEach
  void restoreDefaults() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void sshjSpeaksOnlyAtWarningAndAbove() {
    LogOutput.install(LogFormat.TEXT);

    Logger sshj = Logger.getLogger("net.schmizz.sshj.transport.TransportImpl");
    assertThat(sshj.isLoggable(Level.INFO)).isFalse();
    assertThat(sshj.isLoggable(Level.WARNING)).isTrue();
    assertThat(Logger.getLogger("io.fleetscaler.daemon").isLoggable(Level.INFO)).isTrue();
  }
}
