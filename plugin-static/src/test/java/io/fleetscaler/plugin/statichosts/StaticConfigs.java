package io.fleetscaler.plugin.statichosts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code plugin_config} texts for tests. */
final class StaticConfigs {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StaticConfigs() {}

  /**
   * A group of {@code hosts}, probed with {@code probeTimeout}; with their user and key when {@code
   * withCredentials}, otherwise leaving credentials to the connector settings.
   */
  static String of(SshHosts hosts, boolean withCredentials, String probeTimeout) {
    return of(hosts.hosts(), withCredentials ? hosts : null, probeTimeout);
  }

  static String of(List<SshHosts.Host> hosts, @Nullable SshHosts credentials, String probeTimeout) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("probe_timeout", probeTimeout);
    ObjectNode instances = root.putObject("instances");
    for (SshHosts.Host h : hosts) {
      ObjectNode host = instances.putObject(h.name());
      host.put("external_addr", h.hostPort());
      host.put("internal_addr", h.hostPort());
      host.put("os", "linux");
      host.put("arch", "amd64");
      host.put("protocol", "ssh");
      if (credentials != null) {
        host.put("username", credentials.username());
        host.put("key_path", credentials.privateKey().toString());
      }
    }
    return root.toString();
  }

  /** Configurations init must reject, for the conformance kit. */
  static List<String> invalid() {
    return List.of(
        "{\"no_such_key\":1}",
        "[1,2]",
        "{\"instances\":{}}",
        "{\"instances\":{\"a\":{\"external_addr\":\"no-port\"}}}",
        "{\"instances\":{\"a\":{\"external_addr\":\"h:22\",\"password\":\"tck-password\","
            + "\"key_path\":\"/etc/hostname\"}}}",
        "{\"instances\":{\"a\":{\"external_addr\":\"h:22\"}},\"probe_timeout\":\"soon\"}");
  }
}
