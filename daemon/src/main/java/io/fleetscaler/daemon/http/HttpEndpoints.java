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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's HTTP port: {@code GET /metrics}, {@code /healthz} and {@code /readyz}. Anything else
 * is 404; methods other than GET and HEAD are 405. Requests are tiny, so bodies are capped at 8
 * KiB.
 *
 * <p>Runs on its own single Netty event loop; {@link #close()} stops it and waits for the port to
 * be released.
 */
public final class HttpEndpoints implements AutoCloseable {
  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final EventLoopGroup group;
  private final Channel channel;

  private HttpEndpoints(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
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
                          .addLast(new Router(metrics, readiness));
                    }
                  })
              .bind(address)
              .syncUninterruptibly()
              .channel();
      return new HttpEndpoints(group, channel);
    } catch (Exception e) { // Netty rethrows the checked BindException undeclared
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
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metrics;
    private final Supplier<Readiness> readiness;

    Router(Supplier<String> metrics, Supplier<Readiness> readiness) {
      this.metrics = metrics;
      this.readiness = readiness;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response = route(request);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      if (request.method().equals(HttpMethod.HEAD)) {
        response.content().clear();
      }
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private FullHttpResponse route(FullHttpRequest request) {
      if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return r;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      return switch (path) {
        case "/metrics" -> {
          FullHttpResponse r = text(HttpResponseStatus.OK, metrics.get());
          r.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT);
          yield r;
        }
        case "/healthz" -> text(HttpResponseStatus.OK, "ok\n");
        case "/readyz" -> {
          Readiness now = readiness.get();
          yield text(
              now.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              now.reason() + "\n");
        }
        default -> text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
      };
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
