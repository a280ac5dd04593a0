package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.proto.plugin.v1.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtoMappingTest {
  private static final ConnectorConfig FULL =
      new ConnectorConfig(
          "windows",
          "arm64",
          Protocol.WINRM_HTTPS,
          5987,
          "admin",
          "s3cret",
          "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
          true,
          Duration.ofSeconds(30, 5),
          Duration.ofMinutes(2));

  @Test
  void connectorConfigRoundTripsWithAndWithoutSecrets() {
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(FULL))).isEqualTo(FULL);
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(ConnectorConfig.defaults())))
        .isEqualTo(ConnectorConfig.defaults());
    assertThat(ProtoMapping.toProto(ConnectorConfig.defaults()).hasPassword()).isFalse();
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(new Settings(FULL))))
        .isEqualTo(new Settings(FULL));
  }

  @Test
  void connectInfoRoundTripsItsExpiry() {
    var expiring =
        new ConnectInfo("i-1", FULL, "10.0.0.1", "1.2.3.4:22", Instant.ofEpochSecond(17, 9));
    var forever = new ConnectInfo("i-2", FULL, "10.0.0.2", "", null);
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(expiring))).isEqualTo(expiring);
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(forever))).isEqualTo(forever);
  }

  @Test
  void providerInfoKeepsKnownCapabilitiesAndIgnoresUnknownOnes() {
    var info =
        new ProviderInfo(
            "aws/eu/runners", 1000, "1.2.3", "go1.22", Set.of(Capability.SUSPEND_RESUME));
    assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(info))).isEqualTo(info);
    var fromNewer = ProtoMapping.toProto(info).toBuilder().addCapabilities("teleport").build();
    assertThat(ProtoMapping.fromProto(fromNewer).capabilities())
        .containsExactly(Capability.SUSPEND_RESUME);
  }

  @Test
  void everyStateRoundTripsAndUnknownStatesAreRefused() {
    for (InstanceState state : InstanceState.values()) {
      var status = new InstanceStatus("i-" + state.wireName(), state);
      assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(status))).isEqualTo(status);
    }
    assertThatThrownBy(
            () ->
                ProtoMapping.fromProto(
                    Instance.newBuilder().setId("i-1").setState("melting").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("melting");
  }
}
