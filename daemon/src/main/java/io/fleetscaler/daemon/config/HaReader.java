package io.fleetscaler.daemon.config;

import io.fleetscaler.daemon.ha.HaSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code [daemon.ha]} (high availability on etcd) into {@link HaSettings}, every problem
 * reported against its key:
 *
 * <pre>
 * [daemon.ha]
 * etcd_endpoints = ["https://etcd-1:2379", "https://etcd-2:2379", "https://etcd-3:2379"]
 * lease_ttl = "3s"                # whole seconds, at least 2s
 * key_prefix = "/fleetscaler"     # every key this daemon writes starts with it
 * election = "default"            # the group set this node competes for
 * node_name = "ci-manager-1"      # unique in the election
 * advertise_api = "10.0.0.11:9403" # where runner managers reach this node's API
 * [daemon.ha.tls]                 # for https endpoints
 * ca_file = "etcd-ca.pem"
 * cert_file = "etcd-client.pem"
 * key_file = "etcd-client.key"    # owner-only
 * [daemon.ha.auth]
 * username = "fleetscaler"
 * password_file = "etcd-password" # owner-only
 * </pre>
 *
 * <p>A {@code [[group]]} may name its shard ({@code shard = "eu"}, read by the config loader): an
 * election of its own, so groups spread over several leaders; groups without one are in {@code
 * election}.
 */
final class HaReader {
  private HaReader() {}

  /** The settings, or null if any key had an error (each reported to {@code problems}). */
  static @Nullable HaSettings read(TableReader t, Path configDir, Problems problems) {
    int before = problems.errorCount();
    List<URI> endpoints = endpoints(t);
    Duration ttl = t.duration("lease_ttl", HaSettings.DEFAULT_LEASE_TTL, true);
    if (ttl.toNanosPart() != 0 || ttl.compareTo(Duration.ofSeconds(2)) < 0) {
      t.error("lease_ttl", "must be whole seconds and at least 2s (etcd's minimum), got " + ttl);
    }
    String prefix = t.string("key_prefix", HaSettings.DEFAULT_KEY_PREFIX);
    if (!prefix.startsWith("/") || prefix.endsWith("/")) {
      t.error("key_prefix", "must start with / and not end with one, got \"" + prefix + "\"");
    }
    String election = name(t, "election", HaSettings.DEFAULT_ELECTION);
    String node = name(t, "node_name", null);
    String api = t.string("advertise_api", "");
    if (!t.has("advertise_api")) {
      t.errorOnTable("advertise_api: required: host:port where runner managers reach this node");
    } else {
      try {
        ListenAddress.parse(api);
        if (api.endsWith(":0")) {
          t.error("advertise_api", "needs the real port clients call, got '" + api + "'");
        }
      } catch (IllegalArgumentException e) {
        t.error("advertise_api", String.valueOf(e.getMessage()));
      }
    }
    Path ca = null;
    Path cert = null;
    Path key = null;
    TableReader tls = t.table("tls");
    if (tls != null) {
      ca = ConfigLoader.readableFile(tls, "ca_file", configDir, false);
      cert = ConfigLoader.readableFile(tls, "cert_file", configDir, false);
      key = ConfigLoader.readableFile(tls, "key_file", configDir, true);
      if (tls.has("cert_file") != tls.has("key_file")) {
        tls.errorOnTable("cert_file and key_file must be set together");
      }
      tls.finish();
    }
    String username = null;
    Path password = null;
    TableReader auth = t.table("auth");
    if (auth != null) {
      username = auth.optionalString("username");
      password = ConfigLoader.readableFile(auth, "password_file", configDir, true);
      if (auth.has("username") != auth.has("password_file")) {
        auth.errorOnTable("username and password_file must be set together");
      }
      auth.finish();
    }
    t.finish();
    if (problems.errorCount() > before || endpoints.isEmpty() || node.isEmpty()) {
      return null;
    }
    try {
      return new HaSettings(
          endpoints, ttl, prefix, election, node, api, ca, cert, key, username, password);
    } catch (IllegalArgumentException e) {
      t.errorOnTable(String.valueOf(e.getMessage()));
      return null;
    }
  }

  private static List<URI> endpoints(TableReader t) {
    List<String> raw = t.strings("etcd_endpoints");
    List<URI> out = new ArrayList<>();
    if (raw == null) {
      if (!t.has("etcd_endpoints")) {
        t.errorOnTable("etcd_endpoints: required: the client URLs of the etcd cluster's members");
      }
      return out;
    }
    if (raw.isEmpty()) {
      t.error("etcd_endpoints", "must name at least one etcd member");
    }
    for (String s : raw) {
      try {
        URI u = new URI(s);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            || u.getHost() == null
            || u.getPort() < 1
            || !(u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))) {
          t.error(
              "etcd_endpoints",
              "expected http://host:port or https://host:port, got \"" + s + "\"");
          continue;
        }
        out.add(u);
      } catch (URISyntaxException e) {
        t.error("etcd_endpoints", "not a URL: \"" + s + "\"");
      }
    }
    return out;
  }

  private static String name(TableReader t, String key, @Nullable String def) {
    if (!t.has(key)) {
      if (def == null) {
        t.errorOnTable(key + ": required: this node's name, unique in the election");
        return "";
      }
      return def;
    }
    String v = t.string(key, "");
    if (!v.matches("[A-Za-z0-9._-]{1,64}")) {
      t.error(key, "must be 1 to 64 of A-Z a-z 0-9 . _ -, got \"" + v + "\"");
      return "";
    }
    return v;
  }
}
