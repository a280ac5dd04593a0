package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiServerSettingsTest {
  private static final Path CERT = Path.of("/etc/fleetscaler/api.crt");
  private static final Path KEY = Path.of("/etc/fleetscaler/api.key");
  private static final Path CA = Path.of("/etc/fleetscaler/clients.crt");
  private static final Path TOKEN = Path.of("/etc/fleetscaler/token");

  @Test
  void loopbackMayBePlaintextAndUnauthenticated() {
    assertThat(ApiServerSettings.loopback("127.0.0.1:9403").problems()).isEmpty();
    assertThat(ApiServerSettings.loopback("[::1]:9403").problems()).isEmpty();
    assertThat(ApiServerSettings.loopback("localhost:0").problems()).isEmpty();
  }

  @Test
  void anyOtherAddressNeedsTlsAndClientAuthentication() {
    assertThat(ApiServerSettings.loopback("0.0.0.0:9403").problems())
        .singleElement()
        .asString()
        .startsWith("grpc_listen: 0.0.0.0:9403 is not a loopback address");
    assertThat(new ApiServerSettings("0.0.0.0:9403", null, null, null, TOKEN).problems())
        .as("a token over plaintext would travel in the clear")
        .hasSize(1);
    assertThat(new ApiServerSettings("0.0.0.0:9403", CERT, KEY, null, null).problems())
        .as("TLS alone authenticates the server, not the client")
        .hasSize(1);
    assertThat(new ApiServerSettings("0.0.0.0:9403", CERT, KEY, CA, null).problems()).isEmpty();
    assertThat(new ApiServerSettings("0.0.0.0:9403", CERT, KEY, null, TOKEN).problems()).isEmpty();
  }

  @Test
  void halfConfiguredTlsIsNamed() {
    assertThat(new ApiServerSettings("127.0.0.1:1", CERT, null, null, null).problems())
        .containsExactly("tls: cert_file and key_file go together, got only cert_file");
    assertThat(new ApiServerSettings("127.0.0.1:1", null, null, CA, null).problems())
        .containsExactly("tls: client_ca_file needs TLS (cert_file and key_file)");
  }

  @Test
  void badAddressesAreNamed() {
    assertThat(ApiServerSettings.loopback("9403").problems())
        .containsExactly("grpc_listen: expected host:port, got '9403'");
    assertThat(ApiServerSettings.loopback("127.0.0.1:99999").problems())
        .containsExactly("grpc_listen: bad port in '127.0.0.1:99999'");
  }

  @Test
  void theServerRefusesToStartWithProblems() {
    assertThatThrownBy(() -> ApiServer.start(ApiServerSettings.loopback("0.0.0.0:0"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a loopback address");
  }
}
