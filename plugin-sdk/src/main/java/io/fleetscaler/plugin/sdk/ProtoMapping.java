package io.fleetscaler.plugin.sdk;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.proto.plugin.v1.Instance;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Converts between {@code plugin-api} records and their {@code fleetscaler.plugin.v1} messages.
 * Lossless both ways for every valid record. Reading a message throws {@link
 * IllegalArgumentException} naming the offending value when it holds something the API cannot
 * represent (an unknown state or protocol); unknown capability names are ignored, so that a newer
 * plugin can declare abilities an older host does not know.
 */
final class ProtoMapping {
  private ProtoMapping() {}

  static io.fleetscaler.proto.plugin.v1.Settings toProto(Settings settings) {
    return io.fleetscaler.proto.plugin.v1.Settings.newBuilder()
        .setConnector(toProto(settings.connector()))
        .build();
  }

  static Settings fromProto(io.fleetscaler.proto.plugin.v1.Settings settings) {
    return new Settings(fromProto(settings.getConnector()));
  }

  static io.fleetscaler.proto.plugin.v1.ConnectorConfig toProto(ConnectorConfig config) {
    var builder =
        io.fleetscaler.proto.plugin.v1.ConnectorConfig.newBuilder()
            .setOs(config.os())
            .setArch(config.arch())
            .setProtocol(config.protocol().wireName())
            .setProtocolPort(config.protocolPort())
            .setUsername(config.username())
            .setUseStaticCredentials(config.useStaticCredentials())
            .setKeepalive(toProto(config.keepalive()))
            .setTimeout(toProto(config.timeout()));
    String password = config.password();
    if (password != null) {
      builder.setPassword(password);
    }
    String privateKey = config.privateKey();
    if (privateKey != null) {
      builder.setPrivateKey(privateKey);
    }
    return builder.build();
  }

  static ConnectorConfig fromProto(io.fleetscaler.proto.plugin.v1.ConnectorConfig config) {
    // An unset protocol is proto3's empty string: read it as the default, SSH.
    Protocol protocol =
        config.getProtocol().isEmpty() ? Protocol.SSH : Protocol.fromWireName(config.getProtocol());
    return new ConnectorConfig(
        config.getOs(),
        config.getArch(),
        protocol,
        config.getProtocolPort(),
        config.getUsername(),
        config.hasPassword() ? config.getPassword() : null,
        config.hasPrivateKey() ? config.getPrivateKey() : null,
        config.getUseStaticCredentials(),
        fromProto(config.getKeepalive()),
        fromProto(config.getTimeout()));
  }

  static io.fleetscaler.proto.plugin.v1.ProviderInfo toProto(ProviderInfo info) {
    var builder =
        io.fleetscaler.proto.plugin.v1.ProviderInfo.newBuilder()
            .setId(info.id())
            .setMaxSize(info.maxSize())
            .setVersion(info.version())
            .setBuildInfo(info.buildInfo());
    info.capabilities().stream()
        .map(Capability::wireName)
        .sorted()
        .forEach(builder::addCapabilities);
    return builder.build();
  }

  static ProviderInfo fromProto(io.fleetscaler.proto.plugin.v1.ProviderInfo info) {
    Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    for (String name : info.getCapabilitiesList()) {
      for (Capability capability : Capability.values()) {
        if (capability.wireName().equals(name)) {
          capabilities.add(capability);
        }
      }
    }
    return new ProviderInfo(
        info.getId(), info.getMaxSize(), info.getVersion(), info.getBuildInfo(), capabilities);
  }

  static Instance toProto(InstanceStatus status) {
    return Instance.newBuilder().setId(status.id()).setState(status.state().wireName()).build();
  }

  static InstanceStatus fromProto(Instance instance) {
    return new InstanceStatus(instance.getId(), state(instance.getState()));
  }

  static List<InstanceStatus> fromProto(List<Instance> instances) {
    return instances.stream().map(ProtoMapping::fromProto).toList();
  }

  private static InstanceState state(String wireName) {
    for (InstanceState state : InstanceState.values()) {
      if (state.wireName().equals(wireName)) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown instance state '" + wireName + "'");
  }

  static io.fleetscaler.proto.plugin.v1.ConnectInfo toProto(ConnectInfo info) {
    var builder =
        io.fleetscaler.proto.plugin.v1.ConnectInfo.newBuilder()
            .setId(info.id())
            .setConnector(toProto(info.connector()))
            .setInternalAddr(info.internalAddr())
            .setExternalAddr(info.externalAddr());
    Instant expires = info.expires();
    if (expires != null) {
      builder.setExpires(
          Timestamp.newBuilder()
              .setSeconds(expires.getEpochSecond())
              .setNanos(expires.getNano())
              .build());
    }
    return builder.build();
  }

  static ConnectInfo fromProto(io.fleetscaler.proto.plugin.v1.ConnectInfo info) {
    Instant expires =
        info.hasExpires()
            ? Instant.ofEpochSecond(info.getExpires().getSeconds(), info.getExpires().getNanos())
            : null;
    return new ConnectInfo(
        info.getId(),
        fromProto(info.getConnector()),
        info.getInternalAddr(),
        info.getExternalAddr(),
        expires);
  }

  private static Duration toProto(java.time.Duration duration) {
    return Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  private static java.time.Duration fromProto(Duration duration) {
    return java.time.Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }
}
