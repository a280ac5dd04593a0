package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.sdk.ssh.SshKeyPair;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2instanceconnect.Ec2InstanceConnectClient;
import software.amazon.awssdk.services.ec2instanceconnect.model.SendSshPublicKeyResponse;

/**
 * Answers {@code ConnectInfo} for instances of one group: addresses, OS and architecture from EC2
 * {@code DescribeInstances}, and, unless the operator configured static credentials, a fresh SSH
 * key pushed with EC2 Instance Connect {@code SendSSHPublicKey}, which the instance accepts for 60
 * seconds; on Windows, the Administrator password from {@code GetPasswordData}, decrypted with the
 * connector's private key. Thread-safe: it holds only thread-safe clients and immutable values.
 */
final class ConnectInfoLookup {

  /** How long a key pushed with EC2 Instance Connect is accepted, as AWS documents it. */
  static final Duration INSTANCE_CONNECT_KEY_LIFETIME = Duration.ofSeconds(60);

  private static final String GROUP_TAG = "aws:autoscaling:groupName";

  private final Ec2Client ec2;
  private final Ec2InstanceConnectClient instanceConnect;
  private final String group;
  private final ConnectorConfig connector;
  private final Clock clock;

  ConnectInfoLookup(
      Ec2Client ec2,
      Ec2InstanceConnectClient instanceConnect,
      String group,
      ConnectorConfig connector,
      Clock clock) {
    this.ec2 = ec2;
    this.instanceConnect = instanceConnect;
    this.group = group;
    this.connector = connector;
    this.clock = clock;
  }

  ConnectInfo connectInfo(String id) {
    Instance instance = describe(id);
    boolean windows = "windows".equalsIgnoreCase(instance.platformAsString());
    String os = windows ? "windows" : "linux";
    String arch = arch(instance.architectureAsString());
    String username =
        connector.username().isEmpty()
            ? (windows ? "Administrator" : "ec2-user")
            : connector.username();
    String internal = orEmpty(instance.privateIpAddress());
    String external = orEmpty(instance.publicIpAddress());
    if (connector.useStaticCredentials()) {
      return new ConnectInfo(
          id,
          with(os, arch, username, connector.password(), connector.privateKey()),
          internal,
          external,
          null);
    }
    if (windows) {
      String password = windowsPassword(id);
      return new ConnectInfo(
          id, with(os, arch, username, password, connector.privateKey()), internal, external, null);
    }
    SshKeyPair key = SshKeyPair.generate();
    Instant sentAt = clock.instant();
    push(instance, username, key);
    return new ConnectInfo(
        id,
        with(os, arch, username, null, key.privateKeyPem()),
        internal,
        external,
        sentAt.plus(INSTANCE_CONNECT_KEY_LIFETIME));
  }

  /**
   * The instance, if this group owns it.
   *
   * @throws ProviderException.NotFound if EC2 does not know it, it has terminated, or it is not
   *     tagged as a member of this group
   */
  Instance describe(String id) {
    Instance instance;
    try {
      instance =
          ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream()
              .flatMap(r -> r.instances().stream())
              .filter(i -> id.equals(i.instanceId()))
              .findFirst()
              .orElseThrow(() -> new ProviderException.NotFound("no EC2 instance " + id));
    } catch (AwsServiceException e) {
      @Nullable String code = AwsErrors.code(e);
      if (code != null && code.startsWith("InvalidInstanceID")) {
        throw new ProviderException.NotFound("no EC2 instance " + id + " (" + code + ")");
      }
      throw AwsErrors.map("DescribeInstances", e);
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("DescribeInstances", e);
    }
    if (instance.state() != null && instance.state().name() == InstanceStateName.TERMINATED) {
      throw new ProviderException.NotFound("EC2 instance " + id + " has terminated");
    }
    boolean ours =
        instance.tags().stream()
            .anyMatch(t -> GROUP_TAG.equals(t.key()) && group.equals(t.value()));
    if (!ours) {
      throw new ProviderException.NotFound(
          "EC2 instance " + id + " is not a member of Auto Scaling group " + group);
    }
    return instance;
  }

  /**
   * The Administrator password from {@code GetPasswordData}, decrypted with the connector's key.
   *
   * @throws ProviderException.InvalidConfig if no key is configured, or it does not fit
   * @throws ProviderException.Unavailable while EC2 has no password yet (minutes after launch)
   */
  private String windowsPassword(String id) {
    @Nullable String key = connector.privateKey();
    if (key == null || key.isBlank()) {
      throw new ProviderException.InvalidConfig(
          "instance "
              + id
              + " runs Windows: its password is decrypted with the instance's key pair, so the"
              + " connector needs its private key (or use_static_credentials)");
    }
    @Nullable String data;
    try {
      data = ec2.getPasswordData(r -> r.instanceId(id)).passwordData();
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("GetPasswordData", e);
    }
    if (data == null || data.isBlank()) {
      throw new ProviderException.Unavailable(
          "EC2 has no password for Windows instance "
              + id
              + " yet; it appears minutes after launch");
    }
    return WindowsPassword.decrypt(data, key);
  }

  private void push(Instance instance, String username, SshKeyPair key) {
    String az = instance.placement() == null ? null : instance.placement().availabilityZone();
    SendSshPublicKeyResponse answer;
    try {
      answer =
          instanceConnect.sendSSHPublicKey(
              r ->
                  r.instanceId(instance.instanceId())
                      .instanceOSUser(username)
                      .availabilityZone(az)
                      .sshPublicKey(key.authorizedKey()));
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("SendSSHPublicKey", e);
    }
    if (!Boolean.TRUE.equals(answer.success())) {
      throw new ProviderException.Unavailable(
          "aws SendSSHPublicKey to " + instance.instanceId() + " did not succeed");
    }
  }

  private ConnectorConfig with(
      String os,
      String arch,
      String username,
      @Nullable String password,
      @Nullable String privateKey) {
    return new ConnectorConfig(
        os,
        arch,
        connector.protocol(),
        connector.protocolPort(),
        username,
        password,
        privateKey,
        connector.useStaticCredentials(),
        connector.keepalive(),
        connector.timeout());
  }

  /** EC2's architecture names to Go's, as fleeting reports them. */
  static String arch(@Nullable String ec2Architecture) {
    if (ec2Architecture == null) {
      return "";
    }
    return switch (ec2Architecture.toLowerCase(Locale.ROOT)) {
      case "x86_64", "x86_64_mac" -> "amd64";
      case "arm64", "arm64_mac" -> "arm64";
      case "i386" -> "386";
      default -> ec2Architecture;
    };
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
