package io.fleetscaler.plugin.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.GetInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.SetMetadataInstanceRequest;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.sdk.ssh.SshKeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers {@code ConnectInfo} for instances of one group: addresses, OS and architecture from
 * {@code instances.get}, and, unless the operator configured static credentials, a fresh SSH key
 * whose public half is added to the instance's {@code ssh-keys} metadata with an {@code expireOn}
 * time, which Google's guest agent honours (and removes when it passes). Expired keys this plugin
 * added earlier are pruned in the same {@code setMetadata}. Thread-safe: concurrent calls for one
 * instance race on the metadata fingerprint, and the loser reads again and retries.
 */
final class ConnectInfoLookup {

  /** The {@code userName} in the key's comment, which marks the keys this plugin added. */
  static final String KEY_OWNER = "fleetscaler";

  private static final String SSH_KEYS = "ssh-keys";
  private static final int METADATA_ATTEMPTS = 3;
  private static final DateTimeFormatter EXPIRE_ON =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern OUR_EXPIRY =
      Pattern.compile(
          "google-ssh \\{\"userName\":\"" + KEY_OWNER + "\",\"expireOn\":\"([^\"]+)\"\\}\\s*$");

  private final InstancesClient instances;
  private final ZoneOperationsClient zoneOperations;
  private final OperationWaiter waiter;
  private final GcpConfig config;
  private final ConnectorConfig connector;
  private final Clock clock;
  private final GcpTuning tuning;

  ConnectInfoLookup(
      GcpClients clients,
      OperationWaiter waiter,
      GcpConfig config,
      ConnectorConfig connector,
      Clock clock,
      GcpTuning tuning) {
    this.instances = clients.instances();
    this.zoneOperations = clients.zoneOperations();
    this.waiter = waiter;
    this.config = config;
    this.connector = connector;
    this.clock = clock;
    this.tuning = tuning;
  }

  ConnectInfo connectInfo(String id) {
    InstanceRef ref = ref(id);
    Instance instance = describe(ref);
    boolean windows = isWindows(instance);
    String os = windows ? "windows" : "linux";
    String arch = arch(instance);
    String username =
        connector.username().isEmpty()
            ? (windows ? "Administrator" : KEY_OWNER)
            : connector.username();
    String internal = "";
    String external = "";
    if (instance.getNetworkInterfacesCount() > 0) {
      NetworkInterface nic = instance.getNetworkInterfaces(0);
      internal = nic.getNetworkIP();
      if (nic.getAccessConfigsCount() > 0) {
        external = nic.getAccessConfigs(0).getNatIP();
      }
    }
    if (connector.useStaticCredentials()) {
      return new ConnectInfo(
          id,
          with(os, arch, username, connector.password(), connector.privateKey()),
          internal,
          external,
          null);
    }
    if (windows) {
      throw new ProviderException.InvalidConfig(
          "instance "
              + id
              + " runs Windows: minting a Windows password through the metadata exchange is not"
              + " supported yet; set use_static_credentials with the connector's password");
    }
    SshKeyPair key = SshKeyPair.generate();
    Instant expires = clock.instant().plus(tuning.sshKeyLifetime());
    addKey(ref, instance, username, key, expires);
    return new ConnectInfo(
        id, with(os, arch, username, null, key.privateKeyPem()), internal, external, expires);
  }

  /**
   * The instance, if this group manages it.
   *
   * @throws ProviderException.NotFound if Compute does not know it, or another group (or none)
   *     created it
   */
  Instance describe(InstanceRef ref) {
    Instance instance;
    try {
      instance =
          instances
              .getCallable()
              .call(
                  GetInstanceRequest.newBuilder()
                      .setProject(config.project())
                      .setZone(ref.zone())
                      .setInstance(ref.name())
                      .build());
    } catch (ApiException e) {
      throw GcpErrors.map("instances.get", e);
    }
    String createdBy = metadata(instance.getMetadata(), "created-by");
    String group = config.location().path() + "/instanceGroupManagers/" + config.name();
    if (!createdBy.endsWith(group)) {
      throw new ProviderException.NotFound(
          "instance " + ref.id() + " is not managed by group " + group);
    }
    return instance;
  }

  static InstanceRef ref(String id) {
    return InstanceRef.ofId(id)
        .orElseThrow(
            () ->
                new ProviderException.NotFound(
                    "'" + id + "' is not an instance of this plugin (expected <zone>/<name>)"));
  }

  private void addKey(
      InstanceRef ref, Instance first, String username, SshKeyPair key, Instant expires) {
    Instance instance = first;
    for (int attempt = 1; ; attempt++) {
      Metadata updated = withKey(instance.getMetadata(), username, key, expires);
      try {
        Operation op =
            instances
                .setMetadataCallable()
                .call(
                    SetMetadataInstanceRequest.newBuilder()
                        .setProject(config.project())
                        .setZone(ref.zone())
                        .setInstance(ref.name())
                        .setMetadataResource(updated)
                        .build());
        waiter.await(
            "instances.setMetadata",
            op,
            o -> zoneOperations.get(config.project(), ref.zone(), o.getName()));
        return;
      } catch (ApiException e) {
        // 412 conditionNotMet: someone else changed the metadata since we read its fingerprint.
        boolean stale = e.getStatusCode().getCode() == StatusCode.Code.FAILED_PRECONDITION;
        if (!stale || attempt >= METADATA_ATTEMPTS) {
          throw GcpErrors.map("instances.setMetadata", e);
        }
      }
      instance = describe(ref);
    }
  }

  /** {@code metadata} with the new key added to {@code ssh-keys} and our expired keys pruned. */
  Metadata withKey(Metadata metadata, String username, SshKeyPair key, Instant expires) {
    Instant now = clock.instant();
    List<String> lines = new ArrayList<>();
    for (String line : metadata(metadata, SSH_KEYS).split("\n", -1)) {
      if (!line.isBlank() && !expiredOurs(line, now)) {
        lines.add(line);
      }
    }
    String[] parts = key.authorizedKey().split(" ", 3);
    lines.add(
        username
            + ":"
            + parts[0]
            + " "
            + parts[1]
            + " google-ssh {\"userName\":\""
            + KEY_OWNER
            + "\",\"expireOn\":\""
            + EXPIRE_ON.format(expires)
            + "\"}");
    Metadata.Builder out = Metadata.newBuilder().setFingerprint(metadata.getFingerprint());
    boolean replaced = false;
    for (Items item : metadata.getItemsList()) {
      if (SSH_KEYS.equals(item.getKey())) {
        out.addItems(Items.newBuilder().setKey(SSH_KEYS).setValue(String.join("\n", lines)));
        replaced = true;
      } else {
        out.addItems(item);
      }
    }
    if (!replaced) {
      out.addItems(Items.newBuilder().setKey(SSH_KEYS).setValue(String.join("\n", lines)));
    }
    return out.build();
  }

  private static boolean expiredOurs(String line, Instant now) {
    Matcher m = OUR_EXPIRY.matcher(line);
    if (!m.find()) {
      return false;
    }
    try {
      return !Instant.from(EXPIRE_ON.parse(m.group(1))).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String metadata(Metadata metadata, String key) {
    for (Items item : metadata.getItemsList()) {
      if (key.equals(item.getKey())) {
        return item.getValue();
      }
    }
    return "";
  }

  private static boolean isWindows(Instance instance) {
    for (AttachedDisk disk : instance.getDisksList()) {
      for (var feature : disk.getGuestOsFeaturesList()) {
        if ("WINDOWS".equals(feature.getType())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The boot disk's architecture in Go's names, as fleeting reports them; empty when unknown. */
  private static String arch(Instance instance) {
    for (AttachedDisk disk : instance.getDisksList()) {
      if (disk.getBoot()) {
        return switch (disk.getArchitecture()) {
          case "X86_64" -> "amd64";
          case "ARM64" -> "arm64";
          default -> "";
        };
      }
    }
    return "";
  }

  private ConnectorConfig with(
      String os,
      String arch,
      String username,
      @org.jspecify.annotations.Nullable String password,
      @org.jspecify.annotations.Nullable String privateKey) {
    return new ConnectorConfig(
        connector.os().isEmpty() ? os : connector.os(),
        connector.arch().isEmpty() ? arch : connector.arch(),
        connector.protocol(),
        connector.protocolPort(),
        username,
        password,
        privateKey,
        connector.useStaticCredentials(),
        connector.keepalive(),
        connector.timeout());
  }
}
