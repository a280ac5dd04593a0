package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {

  @Test
  void parsesHostsPortsAndBracketedIpv6() {
    assertThat(ListenAddress.parse("127.0.0.1:9402"))
        .isEqualTo(new ListenAddress("127.0.0.1", 9402));
    assertThat(ListenAddress.parse("[::1]:0")).isEqualTo(new ListenAddress("::1", 0));
    assertThat(ListenAddress.parse("localhost:65535").port()).isEqualTo(65_535);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nowhere", ":9402", "host:", "host:http", "host:65536", "[]:1", "h:-1"})
  void rejectsAnythingElseQuotingIt(String value) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ListenAddress.parse(value))
        .withMessageContaining("'" + value + "'");
  }
}
