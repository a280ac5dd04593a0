package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  private static final SelfSignedCertificate CERT =
      SelfSignedCertificate.generate(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void readsAGoPluginHandshakeWithItsCertificate() {
    Handshake handshake =
        Handshake.parse("1|1|unix|/tmp/plugin123|grpc|" + CERT.handshakeField() + "\n", 1);
    assertThat(handshake.network()).isEqualTo("unix");
    assertThat(handshake.address()).isEqualTo("/tmp/plugin123");
    assertThat(handshake.appVersion()).isEqualTo(1);
    assertThat(handshake.serverCertificate()).isEqualTo(CERT.certificate());
  }

  @Test
  void acceptsTcpAndTheMultiplexField() {
    Handshake handshake =
        Handshake.parse("1|1|tcp|127.0.0.1:10000|grpc|" + CERT.handshakeField() + "|true", 1);
    assertThat(handshake.address()).isEqualTo("127.0.0.1:10000");
  }

  @Test
  void refusesEachMalformedLineWithItsReason() {
    String cert = CERT.handshakeField();
    assertRefused("1|1|unix", "3 fields, at least 4 are needed");
    assertRefused("2|1|unix|/tmp/p|grpc|" + cert, "go-plugin core protocol '2'");
    assertRefused(
        "1|2|unix|/tmp/p|grpc|" + cert, "plugin protocol version 2, but this host speaks 1");
    assertRefused("1|x|unix|/tmp/p|grpc|" + cert, "app protocol version 'x' is not a number");
    assertRefused("1|1|pipe|/tmp/p|grpc|" + cert, "network 'pipe' is neither unix nor tcp");
    assertRefused("1|1|tcp|localhost|grpc|" + cert, "tcp address 'localhost' is not host:port");
    assertRefused("1|1|tcp|127.0.0.1:99999|grpc|" + cert, "a port in 1-65535");
    assertRefused("1|1|tcp|127.0.0.1:0|grpc|" + cert, "a port in 1-65535");
    assertRefused("1|1|unix||grpc|" + cert, "address is empty");
    assertRefused("1|1|unix|/tmp/p|netrpc|" + cert, "protocol 'netrpc' is not grpc");
    assertRefused("1|1|unix|/tmp/p", "protocol 'netrpc' is not grpc");
    assertRefused("1|1|unix|/tmp/p|grpc", "no server certificate");
    assertRefused("1|1|unix|/tmp/p|grpc|", "no server certificate");
    assertRefused("1|1|unix|/tmp/p|grpc|" + "A".repeat(80), "not an X.509 certificate");
    assertRefused("1|1|unix|/tmp/p|grpc|" + "!".repeat(80), "not base64");
  }

  @Test
  void aLineWithoutFieldsIsShownAsThePluginsOwnWords() {
    assertThatThrownBy(() -> Handshake.parse("the magic cookie is missing.\n", 1))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessage("plugin printed 'the magic cookie is missing.' instead of its handshake line");
  }

  private static void assertRefused(String line, String reason) {
    assertThatThrownBy(() -> Handshake.parse(line, 1))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessageStartingWith("bad plugin handshake '")
        .hasMessageContaining(reason);
  }
}
