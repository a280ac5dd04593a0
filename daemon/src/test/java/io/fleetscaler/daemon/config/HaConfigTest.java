package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.ha.HaSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** {@code [daemon.ha]} loads into exactly the values it spells; without it there is no HA. */
class HaConfigTest {
  private static Path fixture(String name) throws Exception {
    return Path.of(
        Objects.requireNonNull(HaConfigTest.class.getResource("/config/good/" + name)).toURI());
  }

  @Test
  void theTableLoadsIntoHaSettings() throws Exception {
    HaSettings ha = Objects.requireNonNull(ConfigFile.load(fixture("ha.toml")).ha(), "ha");

    assertThat(ha.etcdEndpoints())
        .containsExactly(
            URI.create("http://127.0.0.1:2379"), URI.create("https://etcd-2.example:2379"));
    assertThat(ha.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(ha.keyPrefix()).isEqualTo("/fleetscaler/prod");
    assertThat(ha.election()).isEqualTo("eu");
    assertThat(ha.node()).isEqualTo("manager-1");
    assertThat(ha.apiAddress()).isEqualTo("10.0.0.11:9403");
    assertThat(ha.caFile()).isNull();
    assertThat(ha.username()).isNull();
  }

  @Test
  void withoutTheTableNothingChanges() throws Exception {
    DaemonConfig config = ConfigFile.load(fixture("minimal.toml"));
    assertThat(config.ha()).isNull();
    assertThat(new DaemonConfig(config.daemon(), config.groups())).isEqualTo(config);
    assertThat(List.of(config.groups().get(0).name())).containsExactly("minimal");
  }

  @Test
  void withoutShardKeysEveryGroupIsInTheElectionsShard() throws Exception {
    DaemonConfig config = ConfigFile.load(fixture("ha.toml"));

    assertThat(config.shards()).isEmpty();
    assertThat(config.shardOf("ha")).isEqualTo("eu");
    assertThat(config.groupsByShard().keySet()).containsExactly("eu");
  }

  @Test
  void shardKeysSplitTheGroupsTheOthersStayInTheElectionsShard() throws Exception {
    DaemonConfig config = ConfigFile.load(fixture("ha-shards.toml"));

    assertThat(config.shardOf("eu-small")).isEqualTo("eu");
    assertThat(config.shardOf("us")).isEqualTo("main");
    assertThat(config.shardOf("eu-large")).isEqualTo("eu");
    Map<String, List<String>> byShard = new LinkedHashMap<>();
    config
        .groupsByShard()
        .forEach((k, v) -> byShard.put(k, v.stream().map(GroupConfig::name).toList()));
    assertThat(byShard)
        .containsExactly(
            Map.entry("eu", List.of("eu-small", "eu-large")), Map.entry("main", List.of("us")));
  }
}
