package io.fleetscaler.daemon.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's HTTP port: {@code GET /metrics}, {@code /healthz} and {@code /readyz}. Anything else
 * is 404; methods other than GET and HEAD are 405. Requests are tiny, so bodies are capped at 8
 * KiB.
 *
 * <p>Runs on its own single Netty event loop, which never runs the suppliers: {@code /healthz} is
 * answered on the loop itself (liveness only, it reads nothing), while {@code /metrics} and {@code
 * /readyz} are produced on virtual threads, each request on its own, so no endpoint queues behind
 * another or behind a slow supplier. At most {@value #MAX_IN_FLIGHT} such requests run at once;
 * beyond that the answer is 503 at once (a scraper retries), which bounds the memory a flood of
 * scrapes can take. {@link #close()} stops it and waits for the port to be released.
 */
public final class HttpEndpoints implements AutoCloseable {
  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** Requests for {@code /metrics} and {@code /readyz} being produced at once, at most. */
  static final int MAX_IN_FLIGHT = 16;

  private final EventLoopGroup group;
  private final Channel channel;
  private final ExecutorService work;

  private HttpEndpoints(EventLoopGroup group, Channel channel, ExecutorService work) {
    this.group = group;
    this.channel = channel;
    this.work = work;
  }

  /**
   * Binds and starts serving.
   *
   * @param address where to listen; port 0 picks a free port (see {@link #address()})
   * @param metrics produces the Prometheus text of all metrics, on each scrape
   * @param readiness the current readiness, on each {@code /readyz}
   * @throws IllegalStateException if the address cannot be bound, naming it
   */
  public static HttpEndpoints start(
      InetSocketAddress address, Supplier<String> metrics, Supplier<Readiness> readiness) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService work =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("fleetscaler-http-", 0).factory());
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(8 * 1024))
                          .addLast(new Router(metrics, readiness, work, inFlight));
                    }
                  })
              .bind(address)
              .syncUninterruptibly()
              .channel();
      return new HttpEndpoints(group, channel, work);
    } catch (Exception e) { // Netty rethrows the checked BindException undeclared
      work.shutdownNow();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e, e);
    }
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    work.shutdownNow();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metrics;
    private final Supplier<Readiness> readiness;
    private final ExecutorService work;
    private final Semaphore inFlight;

    Router(
        Supplier<String> metrics,
        Supplier<Readiness> readiness,
        ExecutorService work,
        Semaphore inFlight) {
      this.metrics = metrics;
      this.readiness = readiness;
      this.work = work;
      this.inFlight = inFlight;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean head = request.method().equals(HttpMethod.HEAD);
      String path = new QueryStringDecoder(request.uri()).path();
      boolean produced = !rejected(request) && (path.equals("/metrics") || path.equals("/readyz"));
      if (!produced) {
        send(ctx, route(request, path), keepAlive, head);
        return;
      }
      // The request is released when this method returns: the task below uses only the copies.
      if (!inFlight.tryAcquire()) {
        send(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy, retry\n"), keepAlive, head);
        return;
      }
      try {
        work.execute(
            () -> {
              try {
                FullHttpResponse r;
                try {
                  r = produce(path);
                } catch (RuntimeException e) {
                  r = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, path + " failed: " + e + "\n");
                }
                send(ctx, r, keepAlive, head);
              } finally {
                inFlight.release();
              }
            });
      } catch (RejectedExecutionException closing) {
        inFlight.release();
        var unused = ctx.close();
      }
    }

    private static boolean rejected(FullHttpRequest request) {
      return !request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD);
    }

    /** The answer of {@code /metrics} or {@code /readyz}: runs off the event loop. */
    private FullHttpResponse produce(String path) {
      if (path.equals("/metrics")) {
        FullHttpResponse r = text(HttpResponseStatus.OK, metrics.get());
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT);
        return r;
      }
      Readiness now = readiness.get();
      return text(
          now.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          now.reason() + "\n");
    }

    private static void send(
        ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, boolean head) {
      HttpUtil.setContentLength(response, response.content().readableBytes());
      if (head) {
        response.content().clear();
      }
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** The answers made on the event loop: they read no state. */
    private static FullHttpResponse route(FullHttpRequest request, String path) {
      if (rejected(request)) {
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return r;
      }
      return path.equals("/healthz")
          ? text(HttpResponseStatus.OK, "ok\n")
          : text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A broken client connection; nothing to tell anyone but the client, which is gone.
      var unused = ctx.close();
    }
  }
}
