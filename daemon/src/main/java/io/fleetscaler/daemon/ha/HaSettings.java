package io.fleetscaler.daemon.ha;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code [daemon.ha]} table: where etcd is, how long a leader's lease lasts and who this node
 * is.
 *
 * @param etcdEndpoints {@code http://host:port} or {@code https://host:port} client URLs of the
 *     etcd cluster's members, tried in order
 * @param leaseTtl the leader lease's time to live (whole seconds, at least 2: etcd's minimum)
 * @param keyPrefix every key this daemon writes starts with it, e.g. {@code /fleetscaler/prod}
 * @param election the group set this node competes for: one leader per election
 * @param node this node's name, unique in the election
 * @param apiAddress {@code host:port} where runner managers reach this node's API
 * @param caFile CA of etcd's server certificates (https endpoints), or null for the JVM's
 * @param certFile client certificate for etcd, set exactly when {@code keyFile} is
 * @param keyFile its private key
 * @param username etcd user, set exactly when {@code passwordFile} is
 * @param passwordFile file holding that user's password (owner-only)
 */
public record HaSettings(
    List<URI> etcdEndpoints,
    Duration leaseTtl,
    String keyPrefix,
    String election,
    String node,
    String apiAddress,
    @Nullable Path caFile,
    @Nullable Path certFile,
    @Nullable Path keyFile,
    @Nullable String username,
    @Nullable Path passwordFile) {

  /** {@code lease_ttl} when none is given. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(3);

  /** {@code key_prefix} when none is given. */
  public static final String DEFAULT_KEY_PREFIX = "/fleetscaler";

  /** {@code election} when none is given. */
  public static final String DEFAULT_ELECTION = "default";

  public HaSettings {
    etcdEndpoints = List.copyOf(etcdEndpoints);
    if (etcdEndpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd_endpoints is empty");
    }
    for (URI u : etcdEndpoints) {
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          || u.getHost() == null
          || u.getPort() < 1) {
        throw new IllegalArgumentException(
            "etcd endpoint must be http://host:port or https://host:port, got " + u);
      }
    }
    if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0 || leaseTtl.toNanosPart() != 0) {
      throw new IllegalArgumentException(
          "lease_ttl must be whole seconds, at least 2 s (etcd's minimum), got " + leaseTtl);
    }
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (!keyPrefix.startsWith("/") || keyPrefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "key_prefix must start with / and not end with one, got " + keyPrefix);
    }
    requireName(election, "election");
    requireName(node, "node");
    if (apiAddress.isBlank()) {
      throw new IllegalArgumentException("advertise_api is empty");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("cert_file and key_file go together");
    }
    if ((username == null) != (passwordFile == null)) {
      throw new IllegalArgumentException("username and password_file go together");
    }
  }

  private static void requireName(String value, String what) {
    if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          what + " must be 1 to 64 of A-Z a-z 0-9 . _ -, got '" + value + "'");
    }
  }

  /** Settings for one plaintext endpoint and every default (tests, loopback etcd). */
  public static HaSettings plain(URI endpoint, String node, String apiAddress) {
    return new HaSettings(
        List.of(endpoint),
        DEFAULT_LEASE_TTL,
        DEFAULT_KEY_PREFIX,
        DEFAULT_ELECTION,
        node,
        apiAddress,
        null,
        null,
        null,
        null,
        null);
  }

  /** The same settings with another lease TTL. */
  public HaSettings withLeaseTtl(Duration ttl) {
    return new HaSettings(
        etcdEndpoints,
        ttl,
        keyPrefix,
        election,
        node,
        apiAddress,
        caFile,
        certFile,
        keyFile,
        username,
        passwordFile);
  }

  /** The same settings for another election (a shard of the groups): its own leader key. */
  public HaSettings withElection(String name) {
    return new HaSettings(
        etcdEndpoints,
        leaseTtl,
        keyPrefix,
        name,
        node,
        apiAddress,
        caFile,
        certFile,
        keyFile,
        username,
        passwordFile);
  }

  /** The same settings with another node name and API address. */
  public HaSettings withNode(String name, String api) {
    return new HaSettings(
        etcdEndpoints,
        leaseTtl,
        keyPrefix,
        election,
        name,
        api,
        caFile,
        certFile,
        keyFile,
        username,
        passwordFile);
  }

  /**
   * How long before the earliest moment etcd could expire the lease this node stops acting: a
   * quarter of the TTL, at least 500 ms. It covers the difference between this machine's clock rate
   * and the etcd leader's, and the time between a guard check and the action it guards.
   */
  public Duration safetyMargin() {
    Duration quarter = leaseTtl.dividedBy(4);
    Duration floor = Duration.ofMillis(500);
    return quarter.compareTo(floor) < 0 ? floor : quarter;
  }

  /** The key whose owner leads this election. */
  String leaderKey() {
    return keyPrefix + "/election/" + election + "/leader";
  }

  /** Prefix of the state keys of every group. */
  String statePrefix() {
    return keyPrefix + "/state/";
  }
}
