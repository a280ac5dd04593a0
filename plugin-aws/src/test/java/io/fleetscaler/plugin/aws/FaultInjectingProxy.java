package io.fleetscaler.plugin.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP proxy in front of moto that fails requests on a script: per AWS action (the Query
 * protocol's {@code Action} parameter), a queue of faults applied to that action's next requests,
 * in order; requests with no fault queued are forwarded untouched. It records every request and
 * every request it forwarded, with the {@code InstanceId} it named, so a test can count what
 * reached the cloud.
 *
 * <p>In front of the HTTP server sits a TCP relay, so that the proxy can also refuse connections
 * outright ({@link #refuseConnections}): every connection, new or kept alive, is then reset (an
 * RST, {@code SO_LINGER} 0) before any HTTP is spoken, as a cloud endpoint that is down looks to a
 * client.
 */
final class FaultInjectingProxy implements AutoCloseable {

  /** What to do to one request. */
  sealed interface Fault {}

  /** Answer with an AWS error at once, without forwarding: AWS did nothing. */
  record Reject(int status, String code) implements Fault {}

  /** Answer with this body instead of forwarding: a cloud state moto cannot produce. */
  record Answer(int status, String xml) implements Fault {}

  /** Forward, then answer with moto's answer rewritten: a cloud state moto cannot produce. */
  record Rewrite(UnaryOperator<String> body) implements Fault {}

  /** Forward untouched (to script faults for later requests only). */
  record Pass() implements Fault {}

  /** Forward, then answer 500 instead of moto's answer: the cloud acted, the answer was lost. */
  record LoseAnswer() implements Fault {}

  /** Forward, then close the connection without an answer. */
  record DropConnection() implements Fault {}

  /** Wait, then forward: an answer slower than the client will wait for. */
  record Delay(Duration delay) implements Fault {}

  static Fault throttling() {
    return new Reject(400, "Throttling");
  }

  /** One request as the proxy saw it. */
  record Seen(
      String action, @Nullable String instanceId, boolean forwarded, Map<String, String> params) {}

  private static final Set<String> HOP_BY_HOP =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");
  private static final Pattern EC2_SCOPE = Pattern.compile(".*/ec2/aws4_request.*");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Queue<Fault>> script = new HashMap<>();
  private final ServerSocket front;
  private final Set<Socket> relayed = ConcurrentHashMap.newKeySet();
  private final AtomicLong resets = new AtomicLong();
  private volatile boolean refusing;
  private final List<Seen> seen = new ArrayList<>();

  private FaultInjectingProxy(URI target, HttpServer server, ServerSocket front) {
    this.target = target;
    this.server = server;
    this.front = front;
  }

  static FaultInjectingProxy start(URI target) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ServerSocket front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FaultInjectingProxy proxy = new FaultInjectingProxy(target, server, front);
      server.createContext("/", proxy::handle);
      server.setExecutor(proxy.threads);
      server.start();
      proxy.threads.execute(proxy::accept);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + front.getLocalPort());
  }

  /**
   * From now on resets every connection (those kept alive too) instead of relaying it, or relays
   * again. Scripted faults wait meanwhile: no request reaches the HTTP layer.
   */
  void refuseConnections(boolean refuse) {
    refusing = refuse;
    if (refuse) {
      for (Socket s : relayed) {
        reset(s);
      }
    }
  }

  /** How many connections were reset by {@link #refuseConnections}. */
  long resets() {
    return resets.get();
  }

  private void accept() {
    while (!front.isClosed()) {
      Socket client;
      try {
        client = front.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (refusing) {
        reset(client);
        continue;
      }
      threads.execute(() -> relay(client));
    }
  }

  private void relay(Socket client) {
    try (client;
        Socket backend =
            new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      relayed.add(client);
      if (refusing) {
        reset(client);
        return;
      }
      threads.execute(() -> copy(backend, client));
      copy(client, backend);
    } catch (IOException e) {
      // One side went away; the other is closed with it.
    } finally {
      relayed.remove(client);
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // Closing after a failure; nothing more to do.
      }
    }
  }

  private void reset(Socket s) {
    resets.incrementAndGet();
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  /** Queues {@code faults} for the next requests of {@code action}. */
  synchronized void fail(String action, Fault... faults) {
    Queue<Fault> queue = script.computeIfAbsent(action, a -> new ArrayDeque<>());
    queue.addAll(List.of(faults));
  }

  /** Every request of {@code action}, forwarded or not. */
  synchronized long requests(String action) {
    return seen.stream().filter(s -> s.action().equals(action)).count();
  }

  /** Requests of {@code action} naming {@code instanceId} that reached moto. */
  synchronized long forwarded(String action, String instanceId) {
    return seen.stream()
        .filter(s -> s.forwarded() && s.action().equals(action))
        .filter(s -> instanceId.equals(s.instanceId()))
        .count();
  }

  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The requests of {@code action} that reached moto, in order. */
  synchronized List<Seen> forwarded(String action) {
    return seen.stream().filter(s -> s.forwarded() && s.action().equals(action)).toList();
  }

  private synchronized @Nullable Fault next(String action) {
    Queue<Fault> queue = script.get(action);
    return queue == null ? null : queue.poll();
  }

  private synchronized void record(Seen s) {
    seen.add(s);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
      String action = form.getOrDefault("Action", "(none)");
      @Nullable String instanceId = form.get("InstanceId");
      @Nullable Fault fault = next(action);
      switch (fault) {
        case Reject reject -> {
          record(new Seen(action, instanceId, false, form));
          respond(exchange, reject.status(), errorBody(exchange, reject.code()));
        }
        case LoseAnswer lose -> {
          forward(exchange, body, action, form);
          respond(exchange, 500, errorBody(exchange, "InternalFailure"));
        }
        case DropConnection drop -> forward(exchange, body, action, form);
        case Delay delay -> {
          try {
            Thread.sleep(delay.delay().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          relay(exchange, forward(exchange, body, action, form));
        }
        case Answer answer -> {
          record(new Seen(action, instanceId, false, form));
          respond(exchange, answer.status(), answer.xml());
        }
        case Rewrite rewrite -> {
          HttpResponse<byte[]> answer = forward(exchange, body, action, form);
          respond(
              exchange,
              answer.statusCode(),
              rewrite.body().apply(new String(answer.body(), StandardCharsets.UTF_8)));
        }
        case Pass pass -> relay(exchange, forward(exchange, body, action, form));
        case null -> relay(exchange, forward(exchange, body, action, form));
      }
    } catch (IOException e) {
      // The client gave up (a timeout on its side); nothing more to do for this request.
    }
  }

  private HttpResponse<byte[]> forward(
      HttpExchange exchange, byte[] body, String action, Map<String, String> form)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                  try {
                    request.header(name, value);
                  } catch (IllegalArgumentException e) {
                    // A header the JDK client sets itself; moto does not need ours.
                  }
                }
              }
            });
    try {
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      record(new Seen(action, form.get("InstanceId"), true, form));
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding", e);
    }
  }

  private static void relay(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] body = answer.body();
    exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The error document of the Query protocol, in Auto Scaling's or EC2's shape. */
  private static String errorBody(HttpExchange exchange, String code) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && EC2_SCOPE.matcher(authorization).matches()) {
      return "<Response><Errors><Error><Code>"
          + code
          + "</Code><Message>injected by the test proxy</Message></Error></Errors>"
          + "<RequestID>test</RequestID></Response>";
    }
    return "<ErrorResponse xmlns=\"https://autoscaling.amazonaws.com/doc/2011-01-01/\">"
        + "<Error><Type>Sender</Type><Code>"
        + code
        + "</Code><Message>injected by the test proxy</Message></Error>"
        + "<RequestId>test</RequestId></ErrorResponse>";
  }

  private static Map<String, String> form(String body) {
    Map<String, String> values = new HashMap<>();
    for (String pair : Pattern.compile("&").splitAsStream(body).toList()) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  @Override
  public void close() {
    try {
      front.close();
    } catch (IOException e) {
      // Closing; nothing to do.
    }
    server.stop(0);
    threads.shutdownNow();
  }
}
