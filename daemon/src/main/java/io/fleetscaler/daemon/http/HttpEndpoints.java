package io.fleetscaler.daemon.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The daemon's HTTP port: {@code GET /metrics}, {@code /healthz} and {@code /readyz}. Anything else
 * is 404; methods other than GET and HEAD are 405. Request bodies are never read (the JDK's server
 * drains a bounded amount of an unread body, then drops the connection).
 *
 * <p>Runs on the JDK's own HTTP server ({@code jdk.httpserver}, in every JDK and JRE image), not on
 * a second Netty beside the one shaded into gRPC: three tiny endpoints do not earn a second copy of
 * Netty's classes, buffer pools and event loop in every daemon's memory (benchmarks/README.md,
 * daemon memory). The server's one dispatcher thread accepts and parses; each exchange is then
 * answered on a virtual thread of its own, so no endpoint queues behind another or behind a slow
 * supplier. At most {@value #MAX_IN_FLIGHT} {@code /metrics} and {@code /readyz} requests are
 * produced at once; beyond that the answer is 503 at once (a scraper retries), which bounds the
 * memory a flood of scrapes can take. {@code /healthz} reads nothing and is always answered. {@link
 * #close()} stops it and releases the port.
 */
public final class HttpEndpoints implements AutoCloseable {
  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** Requests for {@code /metrics} and {@code /readyz} being produced at once, at most. */
  static final int MAX_IN_FLIGHT = 16;

  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService work;

  private HttpEndpoints(HttpServer server, ExecutorService work) {
    this.server = server;
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
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e, e);
    }
    ExecutorService work =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("fleetscaler-http-", 0).factory());
    Router router = new Router(metrics, readiness, new Semaphore(MAX_IN_FLIGHT));
    server.createContext("/", router::handle);
    server.setExecutor(work);
    server.start();
    return new HttpEndpoints(server, work);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    work.shutdownNow();
  }

  private record Answer(int status, String body, String contentType) {
    static Answer text(int status, String body) {
      return new Answer(status, body, TEXT);
    }
  }

  private record Router(
      Supplier<String> metrics, Supplier<Readiness> readiness, Semaphore inFlight) {
    void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String method = exchange.getRequestMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, Answer.text(405, "only GET and HEAD\n"), head);
          return;
        }
        String path = exchange.getRequestURI().getPath();
        send(exchange, answer(path == null ? "" : path), head);
      }
    }

    private Answer answer(String path) {
      return switch (path) {
        case "/healthz" -> Answer.text(200, "ok\n");
        case "/metrics", "/readyz" -> produced(path);
        default -> Answer.text(404, "not found: " + path + "\n");
      };
    }

    private Answer produced(String path) {
      if (!inFlight.tryAcquire()) {
        return Answer.text(503, "busy, retry\n");
      }
      try {
        if (path.equals("/metrics")) {
          return new Answer(200, metrics.get(), PROMETHEUS_TEXT);
        }
        Readiness now = readiness.get();
        return Answer.text(now.ready() ? 200 : 503, now.reason() + "\n");
      } catch (RuntimeException e) {
        return Answer.text(500, path + " failed: " + e + "\n");
      } finally {
        inFlight.release();
      }
    }

    private static void send(HttpExchange exchange, Answer answer, boolean head)
        throws IOException {
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      if (head) {
        // The JDK's server sends no body for HEAD and wants the length as a header, not here.
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(answer.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(answer.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
