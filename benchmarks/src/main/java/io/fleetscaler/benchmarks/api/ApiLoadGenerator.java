package io.fleetscaler.benchmarks.api;

import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Drives the daemon's gRPC API with concurrent runner-manager clients, each cycling reserve,
 * acquire and release on its own key over loopback, and prints cycles per second, cycle latency
 * percentiles and, for a daemon subprocess, its start-to-ready time and resident memory.
 *
 * <p>Client side: plaintext channels on Netty's epoll transport with a direct executor (each
 * callback issues the next call; nothing blocks) and no transparent retries, shared round-robin by
 * the clients so that the server's event loops all get connections. See {@code
 * benchmarks/README.md} for the command.
 */
public final class ApiLoadGenerator {
  private ApiLoadGenerator() {}

  public static void main(String[] args) throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.cloudLatency().isZero()) {
      System.out.print(run(options).format());
      return;
    }
    // The baseline first, in the same JVM and run: the same load with an instant cloud.
    LoadReport instant = run(options.withCloudLatency(Duration.ZERO));
    LoadReport slow = run(options);
    System.out.print("instant cloud:\n" + instant.format());
    System.out.print(
        "every provisioner call takes " + options.cloudLatency() + ":\n" + slow.format());
    System.out.printf(
        java.util.Locale.ROOT,
        "p99 slow / instant: %.2f (p50 %.2f)%n",
        (double) slow.p99Micros() / Math.max(1, instant.p99Micros()),
        (double) slow.p50Micros() / Math.max(1, instant.p50Micros()));
  }

  /** Starts the target, runs the clients for warm-up plus measurement, and stops everything. */
  static LoadReport run(LoadOptions options) throws Exception {
    try (TargetDaemon daemon =
        options.daemonJar() == null
            ? TargetDaemon.inProcess(options.clients(), options.cloudLatency())
            : TargetDaemon.subprocess(
                options.daemonJar(), options.clients(), options.subprocessPlugin())) {
      @Nullable EventLoopGroup loop =
          Epoll.isAvailable()
              ? new MultiThreadIoEventLoopGroup(
                  2,
                  Thread.ofPlatform().name("load-io-", 0).daemon(true).factory(),
                  EpollIoHandler.newFactory())
              : null;
      List<ManagedChannel> channels = new ArrayList<>();
      try {
        for (int i = 0; i < options.channels(); i++) {
          NettyChannelBuilder b =
              NettyChannelBuilder.forAddress(daemon.address)
                  .usePlaintext()
                  .directExecutor()
                  // Reserve, acquire and release are not idempotent to a blind transport retry
                  // (the client decides), and retry buffering costs on every call.
                  .disableRetry();
          if (loop != null) {
            b.eventLoopGroup(loop).channelType(EpollSocketChannel.class);
          }
          channels.add(b.build());
        }
        awaitIdleSlots(channels.getFirst(), options.clients());
        return measure(options, daemon, channels);
      } finally {
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (loop != null) {
          var unused = loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
      }
    }
  }

  private static LoadReport measure(
      LoadOptions options, TargetDaemon daemon, List<ManagedChannel> channels) throws Exception {
    CycleClient.LoadControl control = new CycleClient.LoadControl();
    CountDownLatch stopped = new CountDownLatch(options.clients());
    List<CycleClient> clients = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      FleetGrpc.FleetStub stub = FleetGrpc.newStub(channels.get(i % channels.size()));
      clients.add(new CycleClient(stub, "load-" + i, control, stopped));
    }
    clients.forEach(CycleClient::start);
    Thread.sleep(options.warmup().toMillis());
    control.measuring = true;
    long start = System.nanoTime();
    Thread.sleep(options.duration().toMillis());
    control.measuring = false;
    Duration measured = Duration.ofNanos(System.nanoTime() - start);
    control.stopping = true;
    if (!stopped.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("clients did not stop within 60 s");
    }
    long errors = 0;
    long total = 0;
    List<long[]> all = new ArrayList<>();
    for (CycleClient c : clients) {
      long[] l = c.latencies();
      all.add(l);
      total += l.length;
      errors += c.errors();
    }
    long[] merged = new long[(int) total];
    int at = 0;
    for (long[] l : all) {
      System.arraycopy(l, 0, merged, at, l.length);
      at += l.length;
    }
    Arrays.sort(merged);
    long[] memory = daemon.memoryKiB();
    return new LoadReport(
        options.clients(),
        measured,
        merged.length,
        errors,
        percentileMicros(merged, 0.50),
        percentileMicros(merged, 0.99),
        merged.length == 0 ? 0 : merged[merged.length - 1] / 1000,
        daemon.startToReady,
        memory[0],
        memory[1]);
  }

  private static long percentileMicros(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000;
  }

  /** Polls GetFleet (bounded) until the daemon's fleet has an idle slot for every client. */
  private static void awaitIdleSlots(ManagedChannel channel, int clients) throws Exception {
    FleetGrpc.FleetBlockingStub api = FleetGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long idle = 0;
    while (System.nanoTime() < deadline) {
      idle =
          api.withDeadlineAfter(5, TimeUnit.SECONDS)
              .getFleet(GetFleetRequest.getDefaultInstance())
              .getGroups(0)
              .getSlots()
              .getIdle();
      if (idle >= clients) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "the daemon's fleet had " + idle + " idle slots after 60 s, " + clients + " needed");
  }
}
