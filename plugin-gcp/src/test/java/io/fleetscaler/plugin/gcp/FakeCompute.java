package io.fleetscaler.plugin.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A fake of the Compute Engine v1 REST endpoints the plugin uses, on 127.0.0.1 and a free port,
 * written from Google's published REST reference (request paths, query parameters, request and
 * response bodies, the {@code Operation} resource and the error body {@code
 * {"error":{"code","message","errors":[{"domain","reason","message"}]}}}). State lives in {@link
 * ComputeModel}. It is strict where Compute is: unknown routes answer 404, unknown query parameters
 * and unknown body fields 400, so that a client sending something Compute would refuse fails here
 * too. Every request is recorded ({@link #requests()}) and faults can be queued per call ({@link
 * #inject}).
 *
 * <p>Routes (under {@code /compute/v1/projects/{project}/}, {@code {loc}} being {@code
 * zones/{zone}} or {@code regions/{region}}): {@code GET {loc}/instanceGroupManagers/{igm}}; {@code
 * POST
 * {loc}/instanceGroupManagers/{igm}/listManagedInstances|resize|deleteInstances|suspendInstances|
 * resumeInstances|stopInstances|startInstances}; {@code GET {loc}/operations/{op}}; {@code GET
 * zones/{zone}/instances/{name}}; {@code POST zones/{zone}/instances/{name}/setMetadata}; and
 * {@code POST /token} (OAuth 2.0 token endpoint for service-account keys whose {@code token_uri}
 * points here).
 */
final class FakeCompute implements AutoCloseable {

  /** One request as received. */
  record Request(
      String method, String path, Map<String, String> query, String body, @Nullable String auth) {}

  /** A fault to apply to the next call of one kind. */
  sealed interface Fault {}

  /** Answer with a Compute error body. */
  record HttpError(int status, String reason, String message, @Nullable Integer retryAfterSeconds)
      implements Fault {}

  /** Answer after a real delay (a slow server). */
  record Slow(Duration delay) implements Fault {}

  /** Apply the call, then close the connection without an answer (a lost answer). */
  record Lost() implements Fault {}

  /** Accept the call, but let its operation finish with this error (nothing is applied). */
  record OperationError(String code, String message, int httpStatus) implements Fault {}

  private static final Pattern ROUTE =
      Pattern.compile(
          "/compute/v1/projects/([^/]+)/(zones|regions)/([^/]+)/"
              + "(instanceGroupManagers|operations|instances)/([^/]+)(?:/([A-Za-z]+))?");
  private static final Set<String> COMMON_QUERY = Set.of("$alt", "requestId", "alt", "prettyPrint");
  private static final Set<String> GROUP_VERBS =
      Set.of(
          "listManagedInstances",
          "resize",
          "deleteInstances",
          "suspendInstances",
          "resumeInstances",
          "stopInstances",
          "startInstances");

  private final ObjectMapper json = new ObjectMapper();
  private final ComputeModel model;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final AtomicInteger unmatched = new AtomicInteger();
  private final AtomicInteger tokens = new AtomicInteger();
  private volatile boolean requireAuth;

  private FakeCompute(ComputeModel model) throws IOException {
    this.model = model;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static FakeCompute start(Clock clock, ComputeModel.Latencies latencies) {
    try {
      return new FakeCompute(new ComputeModel(clock, latencies));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake Compute", e);
    }
  }

  /** The base URL for the plugin's {@code endpoint} key. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  ComputeModel model() {
    return model;
  }

  /** Requests with a bearer token issued by {@code /token} only, as Compute does. */
  void requireAuth() {
    requireAuth = true;
  }

  /**
   * Queues {@code fault} for the next call of {@code call} (e.g. {@code resize}, {@code get},
   * {@code instances.get}).
   */
  synchronized void inject(String call, Fault fault) {
    faults.computeIfAbsent(call, k -> new ArrayDeque<>()).add(fault);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests matched no route of the reference. */
  int unmatched() {
    return unmatched.get();
  }

  /** How many OAuth tokens were issued. */
  int tokensIssued() {
    return tokens.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- HTTP. ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String method = exchange.getRequestMethod();
      @Nullable String auth = exchange.getRequestHeaders().getFirst("Authorization");
      requests.add(new Request(method, path, query, body, auth));
      if (path.equals("/token") && method.equals("POST")) {
        ObjectNode token = json.createObjectNode();
        token.put("access_token", "fake-token-" + tokens.incrementAndGet());
        token.put("expires_in", 3600);
        token.put("token_type", "Bearer");
        send(exchange, 200, token, Map.of());
        return;
      }
      if (requireAuth && (auth == null || !auth.startsWith("Bearer fake-token-"))) {
        error(
            exchange,
            new HttpError(
                401, "required", "Request is missing required authentication credential.", null));
        return;
      }
      Matcher m = ROUTE.matcher(path);
      if (!m.matches()) {
        unmatched.incrementAndGet();
        error(
            exchange,
            new HttpError(404, "notFound", "The requested URL " + path + " was not found.", null));
        return;
      }
      route(exchange, m, method, query, body);
    } catch (RuntimeException e) {
      error(exchange, new HttpError(500, "backendError", "fake: " + e, null));
    }
  }

  private void route(
      HttpExchange ex, Matcher m, String method, Map<String, String> query, String body)
      throws IOException {
    String project = m.group(1);
    boolean regional = m.group(2).equals("regions");
    String location = m.group(3);
    String collection = m.group(4);
    String resource = m.group(5);
    @Nullable String verb = m.group(6);
    String call =
        switch (collection) {
          case "instanceGroupManagers" -> verb == null ? "get" : verb;
          case "operations" -> "operations.get";
          default -> verb == null ? "instances.get" : "instances." + verb;
        };
    boolean known =
        switch (collection) {
          case "instanceGroupManagers" ->
              verb == null
                  ? method.equals("GET")
                  : GROUP_VERBS.contains(verb) && method.equals("POST");
          case "operations" -> verb == null && method.equals("GET");
          default ->
              !regional
                  && (verb == null
                      ? method.equals("GET")
                      : verb.equals("setMetadata") && method.equals("POST"));
        };
    if (!known) {
      unmatched.incrementAndGet();
      error(ex, new HttpError(404, "notFound", "The requested URL was not found.", null));
      return;
    }
    @Nullable Fault fault = nextFault(call);
    if (fault instanceof Slow slow) {
      sleep(slow.delay());
    } else if (fault instanceof HttpError e) {
      error(ex, e);
      return;
    }
    Set<String> allowed = allowedQuery(call);
    for (String q : query.keySet()) {
      if (!allowed.contains(q) && !COMMON_QUERY.contains(q)) {
        error(
            ex,
            new HttpError(400, "invalidParameter", "Invalid query parameter '" + q + "'.", null));
        return;
      }
    }
    Answer answer =
        switch (collection) {
          case "instanceGroupManagers" ->
              groupCall(project, regional, location, resource, call, query, body, fault);
          case "operations" -> operationGet(project, regional, location, resource);
          default -> instanceCall(project, location, resource, call, body);
        };
    if (fault instanceof Lost) {
      return; // Applied, but the answer is lost: the connection closes without a response.
    }
    if (answer.error() != null) {
      error(ex, answer.error());
    } else {
      send(ex, 200, answer.body(), Map.of());
    }
  }

  /** A response: a body or an error. */
  record Answer(@Nullable JsonNode body, @Nullable HttpError error) {
    static Answer ok(JsonNode body) {
      return new Answer(body, null);
    }

    static Answer fail(int status, String reason, String message) {
      return new Answer(null, new HttpError(status, reason, message, null));
    }
  }

  private Answer groupCall(
      String project,
      boolean regional,
      String location,
      String name,
      String call,
      Map<String, String> query,
      String body,
      @Nullable Fault fault) {
    Optional<ComputeModel.Group> found = model.group(project, regional, location, name);
    String link =
        ComputeModel.BASE
            + "projects/"
            + project
            + (regional ? "/regions/" : "/zones/")
            + location
            + "/instanceGroupManagers/"
            + name;
    if (found.isEmpty()) {
      return Answer.fail(
          404,
          "notFound",
          "The resource '" + link.substring(ComputeModel.BASE.length()) + "' was not found");
    }
    ComputeModel.Group g = found.get();
    if (call.equals("get")) {
      return Answer.ok(model.groupJson(g));
    }
    if (call.equals("listManagedInstances")) {
      return Answer.ok(list(g, query));
    }
    JsonNode request;
    try {
      request = body.isEmpty() ? json.createObjectNode() : json.readTree(body);
    } catch (JsonProcessingException e) {
      return Answer.fail(400, "parseError", "Parse Error");
    }
    @Nullable String refusal = checkBody(call, request);
    if (refusal != null) {
      return Answer.fail(400, "invalid", refusal);
    }
    String type = "compute.instanceGroupManagers." + call;
    if (fault instanceof OperationError oe) {
      return Answer.ok(
          model.operationJson(
              model.newOperation(g, type, link, oe.code(), oe.message(), oe.httpStatus())));
    }
    List<String> urls = new ArrayList<>();
    request.path("instances").forEach(n -> urls.add(n.asText()));
    switch (call) {
      case "resize" -> {
        String size = query.get("size");
        if (size == null || !size.matches("[0-9]+")) {
          return Answer.fail(400, "required", "Required field 'size' not specified");
        }
        model.resize(g, Integer.parseInt(size));
      }
      case "deleteInstances" -> {
        List<String> refused =
            model.deleteInstances(
                g, urls, request.path("skipInstancesOnValidationError").asBoolean(false));
        if (!refused.isEmpty()) {
          return Answer.fail(
              400,
              "invalid",
              "Instance '" + refused.get(0) + "' is not a member of the instance group.");
        }
      }
      default -> {
        List<String> refused = model.transition(g, call, urls);
        if (!refused.isEmpty()) {
          return Answer.fail(
              400,
              "invalid",
              "Instance '" + refused.get(0) + "' is not a member of the instance group.");
        }
      }
    }
    return Answer.ok(model.operationJson(model.newOperation(g, type, link, null, null, 0)));
  }

  private @Nullable String checkBody(String call, JsonNode request) {
    Set<String> fields =
        switch (call) {
          case "resize" -> Set.of();
          case "deleteInstances" -> Set.of("instances", "skipInstancesOnValidationError");
          case "stopInstances" -> Set.of("instances", "forceStop");
          case "suspendInstances" -> Set.of("instances", "forceSuspend");
          default -> Set.of("instances");
        };
    if (!request.isObject()) {
      return "Invalid JSON payload received.";
    }
    for (var it = request.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        return "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field.";
      }
    }
    if (!call.equals("resize")
        && (!request.path("instances").isArray() || request.path("instances").isEmpty())) {
      return "Required field 'instances' not specified";
    }
    return null;
  }

  private ObjectNode list(ComputeModel.Group g, Map<String, String> query) {
    List<ComputeModel.Vm> all = model.vms(g);
    int start = 0;
    int max = all.size();
    if (g.paginated) {
      max = Math.min(500, Integer.parseInt(query.getOrDefault("maxResults", "500")));
      String token = query.get("pageToken");
      if (token != null && !token.isEmpty()) {
        start = Integer.parseInt(token.substring("page-".length()));
      }
    }
    ObjectNode out = json.createObjectNode();
    var array = out.putArray("managedInstances");
    int end = Math.min(all.size(), start + max);
    for (int i = start; i < end; i++) {
      array.add(model.managedInstanceJson(all.get(i)));
    }
    if (end < all.size()) {
      out.put("nextPageToken", "page-" + end);
    }
    return out;
  }

  private Answer operationGet(String project, boolean regional, String location, String name) {
    return model
        .operation(project, regional, location, name)
        .map(op -> Answer.ok(model.operationJson(op)))
        .orElseGet(
            () ->
                Answer.fail(
                    404,
                    "notFound",
                    "The resource 'projects/"
                        + project
                        + "/"
                        + (regional ? "regions/" : "zones/")
                        + location
                        + "/operations/"
                        + name
                        + "' was not found"));
  }

  private Answer instanceCall(String project, String zone, String name, String call, String body) {
    Optional<ComputeModel.Vm> found = model.vm(project, zone, name);
    if (found.isEmpty()) {
      return Answer.fail(
          404,
          "notFound",
          "The resource 'projects/"
              + project
              + "/zones/"
              + zone
              + "/instances/"
              + name
              + "' was not found");
    }
    ComputeModel.Vm v = found.get();
    if (call.equals("instances.get")) {
      return Answer.ok(model.instanceJson(v));
    }
    JsonNode metadata;
    try {
      metadata = json.readTree(body);
    } catch (JsonProcessingException e) {
      return Answer.fail(400, "parseError", "Parse Error");
    }
    for (var it = metadata.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("fingerprint", "items", "kind").contains(f)) {
        return Answer.fail(
            400, "invalid", "Invalid JSON payload received. Unknown name \"" + f + "\"");
      }
    }
    Map<String, String> items = new LinkedHashMap<>();
    metadata
        .path("items")
        .forEach(i -> items.put(i.path("key").asText(), i.path("value").asText()));
    if (!model.setMetadata(v, metadata.path("fingerprint").asText(""), items)) {
      return Answer.fail(
          412,
          "conditionNotMet",
          "Supplied fingerprint does not match current metadata fingerprint.");
    }
    return Answer.ok(
        model.operationJson(
            model.newOperation(project, false, zone, "setMetadata", v.selfLink(), null, null, 0)));
  }

  private Set<String> allowedQuery(String call) {
    return switch (call) {
      case "resize" -> Set.of("size");
      case "listManagedInstances" ->
          Set.of("maxResults", "pageToken", "filter", "orderBy", "returnPartialSuccess");
      default -> Set.of();
    };
  }

  private synchronized @Nullable Fault nextFault(String call) {
    Deque<Fault> queue = faults.get(call);
    return queue == null ? null : queue.poll();
  }

  private void error(HttpExchange ex, HttpError e) throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", e.status());
    error.put("message", e.message());
    ObjectNode detail = error.putArray("errors").addObject();
    detail.put("message", e.message());
    detail.put(
        "domain", e.status() == 429 || e.reason().contains("uota") ? "usageLimits" : "global");
    detail.put("reason", e.reason());
    Map<String, String> headers = new HashMap<>();
    if (e.retryAfterSeconds() != null) {
      headers.put("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    send(ex, e.status(), body, headers);
  }

  private void send(
      HttpExchange ex, int status, @Nullable JsonNode body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
