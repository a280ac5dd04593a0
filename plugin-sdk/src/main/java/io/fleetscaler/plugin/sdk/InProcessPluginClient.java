package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link PluginClient} over gRPC's in-process transport. */
final class InProcessPluginClient extends ForwardingPluginClient {
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

  private final String name;
  private final Server server;
  private final PluginChannel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private InProcessPluginClient(String name, Server server, PluginChannel channel) {
    this.name = name;
    this.server = server;
    this.channel = channel;
  }

  static InProcessPluginClient start(InstanceGroup group, String name) {
    String address = InProcessServerBuilder.generateName();
    var services = new PluginServices();
    var holder = new Server[1];
    Runnable stop =
        () -> {
          services.stopping();
          Server server = holder[0];
          if (server != null) {
            server.shutdown();
          }
        };
    Server server;
    try {
      server =
          services
              .register(
                  InProcessServerBuilder.forName(address),
                  group,
                  System.getLogger("plugin." + name),
                  stop)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start in-process plugin " + name, e);
    }
    holder[0] = server;
    var channel =
        new PluginChannel(InProcessChannelBuilder.forName(address).build(), name, CALL_TIMEOUT);
    channel.checkHealth(STOP_TIMEOUT);
    System.getLogger("plugin." + name).log(Level.DEBUG, "in-process plugin {0} started", name);
    return new InProcessPluginClient(name, server, channel);
  }

  @Override
  RemoteInstanceGroup group() {
    if (closed.get()) {
      throw new ProviderException.Unavailable("plugin " + name + " is closed");
    }
    return channel.group();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<ProcessHandle> process() {
    return Optional.empty();
  }

  @Override
  public int restarts() {
    return 0;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      channel.requestShutdown(STOP_TIMEOUT);
      channel.close();
      server.shutdownNow();
    }
  }
}
