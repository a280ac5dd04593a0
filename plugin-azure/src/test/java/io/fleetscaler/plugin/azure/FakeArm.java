package io.fleetscaler.plugin.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A stateful fake of the Azure Resource Manager endpoints the plugin calls, over HTTPS on 127.0.0.1
 * with the test certificate, plus a Microsoft Entra token endpoint. Written from Azure's REST
 * reference (Compute 2025-04-01, Network, Insights autoscale settings, the ARM asynchronous
 * operation pattern): paths, bodies, {@code Azure-AsyncOperation}/{@code Location} headers, error
 * bodies {@code {"error":{"code","message"}}}, {@code nextLink} paging, {@code If-Match} on etags,
 * and {@code x-ms-ratelimit-remaining-*} headers.
 *
 * <p>Time moves with requests, never with a clock: a new VM is {@code Creating} for {@link
 * #creatingLists} listings of its scale set, and a long-running operation reports {@code
 * InProgress} for {@link #operationPolls} polls. Faults are injected per request ({@link #inject}).
 * Every request is counted by operation; a request the fake does not know is recorded in {@link
 * #unexpected()}.
 *
 * <p>Long (a fake of a whole cloud API): the routes share the state and the JSON builders.
 */
final class FakeArm implements AutoCloseable {

  static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
  static final String TENANT = "55555555-6666-7777-8888-999999999999";
  static final String CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String CLIENT_SECRET = "tck-password-secret";
  static final String GROUP = "ci";
  static final String LOCATION = "westeurope";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 2;

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, ScaleSetState> scaleSets = new LinkedHashMap<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<String> unexpected = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<ObjectNode> autoscaleSettings = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  volatile int creatingLists = 1;
  volatile int operationPolls = 1;
  volatile int remainingWrites = 1199;
  // When not negative: the Retry-After (seconds) sent with a long-running operation's first answer
  // and its polls, as ARM does, so a client on production polling settings polls sooner.
  volatile int operationRetryAfter = -1;
  // How many of the next VMs end Failed instead of running (an allocation failure).
  private int failNextVms;

  FakeArm() throws Exception {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(sslContext()));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A plugin_config for scale set {@code name} with a service principal on this fake's tokens. */
  String config(String name) {
    return "{\"name\":\""
        + name
        + "\",\"subscription_id\":\""
        + SUBSCRIPTION
        + "\",\"resource_group_name\":\""
        + GROUP
        + "\",\"tenant_id\":\""
        + TENANT
        + "\",\"client_id\":\""
        + CLIENT_ID
        + "\",\"client_secret\":\""
        + CLIENT_SECRET
        + "\",\"authority_host\":\""
        + endpoint()
        + "/\",\"endpoint\":\""
        + endpoint()
        + "\"}";
  }

  synchronized void createScaleSet(String name, boolean flexible) {
    ScaleSetState set = new ScaleSetState(name, flexible);
    set.overprovision = flexible ? null : Boolean.FALSE;
    scaleSets.put(name.toLowerCase(Locale.ROOT), set);
  }

  synchronized ScaleSetState scaleSet(String name) {
    return Objects.requireNonNull(scaleSets.get(name.toLowerCase(Locale.ROOT)), name);
  }

  synchronized void addAutoscaleSetting(String name, String target, boolean enabled) {
    ObjectNode setting = JSON.createObjectNode().put("name", name);
    setting.putObject("properties").put("targetResourceUri", target).put("enabled", enabled);
    autoscaleSettings.add(setting);
  }

  /** The next {@code times} requests whose method matches and whose path contains {@code path}. */
  synchronized void inject(String method, String path, int times, Fault.Kind kind) {
    faults.add(new Fault(method, path.toLowerCase(Locale.ROOT), times, kind));
  }

  /** How many requests of {@code operation} (e.g. {@code PATCH vmss}) arrived. */
  int count(String operation) {
    AtomicInteger n = counts.get(operation);
    return n == null ? 0 : n.get();
  }

  synchronized List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  /** Forgets every scale set, operation, fault, count and autoscale setting. */
  synchronized void reset() {
    scaleSets.clear();
    operations.clear();
    faults.clear();
    autoscaleSettings.clear();
    counts.clear();
    unexpected.clear();
    failNextVms = 0;
    creatingLists = 1;
    operationPolls = 1;
    remainingWrites = 1199;
    operationRetryAfter = -1;
  }

  /** The next {@code count} VMs end {@code Failed}, as after an allocation failure. */
  synchronized void failNextVms(int count) {
    failNextVms = count;
  }

  synchronized long capacity(String scaleSet) {
    return scaleSet(scaleSet).capacity;
  }

  /** Each VM of the scale set as {@code id -> provisioningState/powerState}, in creation order. */
  synchronized Map<String, String> states(String scaleSet) {
    Map<String, String> states = new LinkedHashMap<>();
    for (VmState vm : scaleSet(scaleSet).vmList()) {
      states.put(vm.id, vm.provisioning + "/" + vm.power);
    }
    return states;
  }

  synchronized String privateIp(String scaleSet, String id) {
    return Objects.requireNonNull(scaleSet(scaleSet).vms.get(id), id).privateIp;
  }

  synchronized @Nullable String publicIp(String scaleSet, String id) {
    return Objects.requireNonNull(scaleSet(scaleSet).vms.get(id), id).publicIp;
  }

  /** Removes a VM at once, as an operator deleting it in the portal would. */
  synchronized void deleteBehindTheBack(String scaleSet, String id) {
    ScaleSetState set = scaleSet(scaleSet);
    if (set.vms.remove(id) != null) {
      set.capacity--;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- State. ----

  static final class ScaleSetState {
    final String name;
    final boolean flexible;
    final Map<String, VmState> vms = new LinkedHashMap<>();
    long capacity;
    int etag = 1;
    @Nullable Boolean overprovision;
    boolean automaticRepairs;
    int nextInstance;

    ScaleSetState(String name, boolean flexible) {
      this.name = name;
      this.flexible = flexible;
    }

    String id() {
      return "/subscriptions/"
          + SUBSCRIPTION
          + "/resourceGroups/"
          + GROUP
          + "/providers/Microsoft.Compute/virtualMachineScaleSets/"
          + name;
    }

    synchronized List<VmState> vmList() {
      return List.copyOf(vms.values());
    }
  }

  static final class VmState {
    final String id;
    final String name;
    final String privateIp;
    final @Nullable String publicIp;
    String provisioning = "Creating";
    String power = "starting";
    int listsLeft;
    boolean failAfterCreating;

    VmState(String id, String name, String privateIp, @Nullable String publicIp) {
      this.id = id;
      this.name = name;
      this.privateIp = privateIp;
      this.publicIp = publicIp;
    }
  }

  /** A long-running operation: in progress for some polls, then its effect and its outcome. */
  private static final class Op {
    int pollsLeft;
    final Runnable effect;
    final @Nullable String errorCode;

    Op(int polls, Runnable effect, @Nullable String errorCode) {
      this.pollsLeft = polls;
      this.effect = effect;
      this.errorCode = errorCode;
    }
  }

  record Fault(String method, String path, int times, Kind kind) {
    enum Kind {
      QUOTA,
      SKU_NOT_AVAILABLE,
      THROTTLED_1S,
      THROTTLED_LONG,
      SERVER_ERROR,
      NOT_AUTHORIZED,
      UNAUTHENTICATED,
      DROP,
      SLOW,
      OPERATION_FAILS
    }
  }

  // ---- Routing. ----

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getPath();
      String lower = path.toLowerCase(Locale.ROOT);
      Map<String, String> query = query(uri.getRawQuery());
      byte[] body = readAll(exchange.getRequestBody());
      if (method.equals("POST") && lower.endsWith("/oauth2/v2.0/token")) {
        tally("POST token");
        token(exchange, new String(body, StandardCharsets.UTF_8));
        return;
      }
      if (method.equals("GET") && lower.endsWith("/.well-known/openid-configuration")) {
        tally("GET openid-configuration");
        String base = endpoint() + "/" + TENANT;
        send(
            exchange,
            200,
            JSON.createObjectNode()
                .put("issuer", base + "/v2.0")
                .put("token_endpoint", base + "/oauth2/v2.0/token")
                .put("authorization_endpoint", base + "/oauth2/v2.0/authorize"));
        return;
      }
      @Nullable Fault fault = takeFault(method, lower);
      if (fault != null && fault.kind() == Fault.Kind.DROP) {
        tally("dropped");
        throw new IOException("fake: answer dropped");
      }
      if (fault != null && fault.kind() == Fault.Kind.SLOW) {
        tally("slow");
        sleep(Duration.ofSeconds(3));
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null
          || !auth.startsWith("Bearer ")
          || !tokens.contains(auth.substring(7))
          || (fault != null && fault.kind() == Fault.Kind.UNAUTHENTICATED)) {
        tally("401");
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        error(exchange, 401, "InvalidAuthenticationToken", "The access token is invalid.");
        return;
      }
      if (!query.containsKey("api-version")) {
        error(exchange, 400, "MissingApiVersionParameter", "The api-version is required.");
        return;
      }
      if (fault != null && fault.kind() != Fault.Kind.OPERATION_FAILS) {
        respondFault(exchange, fault);
        return;
      }
      route(exchange, method, path, lower, query, body, fault != null);
    } catch (IOException | RuntimeException e) {
      // Closing the exchange without an answer drops the connection, as a lost answer does.
      throw e instanceof IOException io ? io : new IOException(e);
    } finally {
      exchange.close();
    }
  }

  private synchronized void route(
      HttpExchange exchange,
      String method,
      String path,
      String lower,
      Map<String, String> query,
      byte[] body,
      boolean operationFails)
      throws IOException {
    String prefix =
        ("/subscriptions/" + SUBSCRIPTION + "/resourcegroups/" + GROUP + "/providers/")
            .toLowerCase(Locale.ROOT);
    String opPrefix =
        ("/subscriptions/" + SUBSCRIPTION + "/providers/microsoft.compute/locations/")
            .toLowerCase(Locale.ROOT);
    if (method.equals("GET") && lower.startsWith(opPrefix) && lower.contains("/operations/")) {
      tally("GET operation");
      pollOperation(exchange, path.substring(path.lastIndexOf('/') + 1));
      return;
    }
    if (!lower.startsWith(prefix)) {
      unknown(exchange, method, path);
      return;
    }
    String[] p = path.substring(prefix.length()).split("/", -1);
    String provider = p[0].toLowerCase(Locale.ROOT);
    String type = p.length > 1 ? p[1].toLowerCase(Locale.ROOT) : "";
    if (provider.equals("microsoft.insights") && type.equals("autoscalesettings")) {
      tally("GET autoscalesettings");
      ObjectNode page = JSON.createObjectNode();
      page.putArray("value").addAll(autoscaleSettings);
      send(exchange, 200, page);
      return;
    }
    if (provider.equals("microsoft.compute") && type.equals("virtualmachines")) {
      flexibleVms(exchange, method, p, query);
      return;
    }
    if (provider.equals("microsoft.network")) {
      network(exchange, method, p);
      return;
    }
    if (!provider.equals("microsoft.compute") || !type.equals("virtualmachinescalesets")) {
      unknown(exchange, method, path);
      return;
    }
    @Nullable ScaleSetState set =
        p.length > 2 ? scaleSets.get(p[2].toLowerCase(Locale.ROOT)) : null;
    if (set == null) {
      tally(method + " vmss");
      error(
          exchange,
          404,
          "ResourceNotFound",
          "The Resource 'Microsoft.Compute/virtualMachineScaleSets/"
              + (p.length > 2 ? p[2] : "")
              + "' under resource group '"
              + GROUP
              + "' was not found.");
      return;
    }
    if (p.length == 3) {
      scaleSetRoot(exchange, method, set, body);
      return;
    }
    String action = p[3].toLowerCase(Locale.ROOT);
    if (method.equals("POST") && p.length == 4) {
      scaleSetAction(exchange, set, action, body, operationFails);
      return;
    }
    if (action.equals("virtualmachines") && method.equals("GET")) {
      uniformVms(exchange, set, p, query);
      return;
    }
    unknown(exchange, method, path);
  }

  private void scaleSetRoot(HttpExchange exchange, String method, ScaleSetState set, byte[] body)
      throws IOException {
    switch (method) {
      case "GET" -> {
        tally("GET vmss");
        send(exchange, 200, scaleSetJson(set, "Succeeded"));
      }
      case "PATCH" -> {
        tally("PATCH vmss");
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        if (ifMatch != null && !ifMatch.equals(etag(set))) {
          error(exchange, 412, "PreconditionFailed", "The etag does not match.");
          return;
        }
        JsonNode update = JSON.readTree(body);
        JsonNode capacity = update.path("sku").path("capacity");
        if (capacity.isNumber()) {
          if (capacity.asLong() < set.capacity) {
            tally("PATCH lowered capacity");
          }
          grow(set, capacity.asLong());
        }
        set.etag++;
        String op = newOperation(() -> {}, null);
        exchange.getResponseHeaders().add("Azure-AsyncOperation", operationUrl(op));
        retryAfter(exchange);
        send(exchange, 200, scaleSetJson(set, "Updating"));
      }
      default -> unknown(exchange, method, set.name);
    }
  }

  private void grow(ScaleSetState set, long capacity) {
    while (set.capacity < capacity) {
      String id;
      String name;
      if (set.flexible) {
        name = set.name + "_" + HexFormat.of().toHexDigits(ids.incrementAndGet()).substring(0, 8);
        id = name;
      } else {
        id = Integer.toString(set.nextInstance++);
        name = set.name + "_" + id;
      }
      int n = ids.incrementAndGet();
      VmState vm =
          new VmState(
              id,
              name,
              "10.0." + (n / 250) + "." + (n % 250 + 4),
              "20.1." + (n / 250) + "." + (n % 250 + 4));
      vm.listsLeft = creatingLists;
      if (failNextVms > 0) {
        failNextVms--;
        vm.failAfterCreating = true;
      }
      set.vms.put(id, vm);
      set.capacity++;
    }
    set.capacity = capacity;
  }

  private void scaleSetAction(
      HttpExchange exchange, ScaleSetState set, String action, byte[] body, boolean fails)
      throws IOException {
    tally("POST " + action);
    List<String> ids = new ArrayList<>();
    JsonNode json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    json.path("instanceIds").forEach(n -> ids.add(n.asText()));
    for (String id : ids) {
      if (!set.vms.containsKey(id)) {
        error(exchange, 400, "InvalidParameter", "Instance id " + id + " is not in the scale set.");
        return;
      }
    }
    Runnable effect;
    switch (action) {
      case "delete" -> {
        if (ids.isEmpty()) {
          error(exchange, 400, "InvalidParameter", "instanceIds is required.");
          return;
        }
        for (String id : ids) {
          Objects.requireNonNull(set.vms.get(id)).provisioning = "Deleting";
        }
        set.capacity -= ids.size();
        effect = () -> ids.forEach(set.vms::remove);
      }
      case "deallocate" -> {
        for (String id : ids) {
          Objects.requireNonNull(set.vms.get(id)).provisioning = "Updating";
          Objects.requireNonNull(set.vms.get(id)).power = "deallocating";
        }
        effect =
            () ->
                ids.forEach(
                    id -> {
                      VmState vm = set.vms.get(id);
                      if (vm != null) {
                        vm.provisioning = "Succeeded";
                        vm.power = "deallocated";
                      }
                    });
      }
      case "start" -> {
        for (String id : ids) {
          Objects.requireNonNull(set.vms.get(id)).provisioning = "Updating";
          Objects.requireNonNull(set.vms.get(id)).power = "starting";
        }
        effect =
            () ->
                ids.forEach(
                    id -> {
                      VmState vm = set.vms.get(id);
                      if (vm != null) {
                        vm.provisioning = "Succeeded";
                        vm.power = "running";
                      }
                    });
      }
      default -> {
        unknown(exchange, "POST", set.name + "/" + action);
        return;
      }
    }
    String op = newOperation(effect, fails ? "InternalExecutionError" : null);
    exchange.getResponseHeaders().add("Azure-AsyncOperation", operationUrl(op));
    exchange.getResponseHeaders().add("Location", operationUrl(op) + "&monitor=true");
    retryAfter(exchange);
    exchange.sendResponseHeaders(202, -1);
  }

  private void uniformVms(
      HttpExchange exchange, ScaleSetState set, String[] p, Map<String, String> query)
      throws IOException {
    if (set.flexible) {
      error(exchange, 400, "OperationNotAllowed", "Flexible scale sets have no VM sub-resources.");
      return;
    }
    if (p.length == 4) {
      tally("GET vmss vms");
      advance(set);
      page(exchange, set.vmList(), vm -> uniformVmJson(set, vm), query, uniformListUrl(set));
      return;
    }
    @Nullable VmState vm = set.vms.get(p[4]);
    if (vm == null) {
      tally("GET vmss vm");
      error(exchange, 404, "NotFound", "The entity was not found in this Azure location.");
      return;
    }
    if (p.length == 5) {
      tally("GET vmss vm");
      send(exchange, 200, uniformVmJson(set, vm));
      return;
    }
    String nic = set.name + "-nic";
    if (p.length == 6 && p[5].equalsIgnoreCase("networkInterfaces")) {
      tally("GET vmss vm nics");
      ObjectNode page = JSON.createObjectNode();
      page.putArray("value")
          .add(
              nicJson(
                  set.id() + "/virtualMachines/" + vm.id + "/networkInterfaces/" + nic,
                  nic,
                  vm,
                  set.id()
                      + "/virtualMachines/"
                      + vm.id
                      + "/networkInterfaces/"
                      + nic
                      + "/ipConfigurations/ipconfig1/publicIPAddresses/pip"));
      send(exchange, 200, page);
      return;
    }
    if (p.length == 11 && p[10].equalsIgnoreCase("pip") && vm.publicIp != null) {
      tally("GET vmss vm pip");
      send(
          exchange,
          200,
          pipJson(
              set.id()
                  + "/virtualMachines/"
                  + vm.id
                  + "/networkInterfaces/"
                  + nic
                  + "/ipConfigurations/ipconfig1/publicIPAddresses/pip",
              vm));
      return;
    }
    unknown(exchange, "GET", String.join("/", p));
  }

  private void flexibleVms(
      HttpExchange exchange, String method, String[] p, Map<String, String> query)
      throws IOException {
    if (!method.equals("GET")) {
      unknown(exchange, method, String.join("/", p));
      return;
    }
    if (p.length == 2) {
      tally("GET vms");
      String filter = query.getOrDefault("$filter", "");
      List<Map.Entry<ScaleSetState, VmState>> all = new ArrayList<>();
      for (ScaleSetState set : scaleSets.values()) {
        if (set.flexible
            && (filter.isEmpty()
                || filter
                    .toLowerCase(Locale.ROOT)
                    .contains(set.id().toLowerCase(Locale.ROOT) + "'"))) {
          advance(set);
          set.vmList().forEach(vm -> all.add(Map.entry(set, vm)));
        }
      }
      page(
          exchange,
          all,
          e -> flexibleVmJson(e.getKey(), e.getValue()),
          query,
          flexibleListUrl(filter));
      return;
    }
    tally("GET vm");
    for (ScaleSetState set : scaleSets.values()) {
      @Nullable VmState vm = set.flexible ? set.vms.get(p[2]) : null;
      if (vm != null && p.length == 3) {
        send(exchange, 200, flexibleVmJson(set, vm));
        return;
      }
    }
    error(
        exchange,
        404,
        "ResourceNotFound",
        "The Resource 'Microsoft.Compute/virtualMachines/" + p[2] + "' was not found.");
  }

  private void network(HttpExchange exchange, String method, String[] p) throws IOException {
    String type = p.length > 1 ? p[1].toLowerCase(Locale.ROOT) : "";
    if (!method.equals("GET") || p.length != 3) {
      unknown(exchange, method, String.join("/", p));
      return;
    }
    for (ScaleSetState set : scaleSets.values()) {
      for (VmState vm : set.vmList()) {
        if (type.equals("networkinterfaces") && p[2].equals(vm.name + "-nic")) {
          tally("GET nic");
          send(
              exchange,
              200,
              nicJson(
                  networkId("networkInterfaces", vm.name + "-nic"),
                  vm.name + "-nic",
                  vm,
                  networkId("publicIPAddresses", vm.name + "-pip")));
          return;
        }
        if (type.equals("publicipaddresses") && p[2].equals(vm.name + "-pip")) {
          tally("GET pip");
          send(exchange, 200, pipJson(networkId("publicIPAddresses", vm.name + "-pip"), vm));
          return;
        }
      }
    }
    tally("GET network 404");
    error(
        exchange,
        404,
        "ResourceNotFound",
        "The Resource 'Microsoft.Network/" + p[1] + "/" + p[2] + "' was not found.");
  }

  // ---- Behaviour over time. ----

  private static void advance(ScaleSetState set) {
    for (VmState vm : set.vmList()) {
      if (vm.provisioning.equals("Creating")) {
        if (vm.listsLeft > 0) {
          vm.listsLeft--;
        } else if (vm.failAfterCreating) {
          vm.provisioning = "Failed";
          vm.power = "stopped";
        } else {
          vm.provisioning = "Succeeded";
          vm.power = "running";
        }
      }
    }
  }

  private String newOperation(Runnable effect, @Nullable String errorCode) {
    String id = "op-" + ids.incrementAndGet();
    operations.put(id, new Op(operationPolls, effect, errorCode));
    return id;
  }

  private void pollOperation(HttpExchange exchange, String id) throws IOException {
    @Nullable Op op = operations.get(id);
    if (op == null) {
      error(exchange, 404, "NotFound", "No operation " + id);
      return;
    }
    ObjectNode status = JSON.createObjectNode().put("name", id);
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      status.put("status", "InProgress");
      retryAfter(exchange);
    } else if (op.errorCode != null) {
      status.put("status", "Failed");
      status.putObject("error").put("code", op.errorCode).put("message", "The operation failed.");
    } else {
      op.effect.run();
      status.put("status", "Succeeded");
    }
    send(exchange, 200, status);
  }

  // ---- JSON. ----

  private ObjectNode scaleSetJson(ScaleSetState set, String provisioning) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", set.id())
        .put("name", set.name)
        .put("type", "Microsoft.Compute/virtualMachineScaleSets")
        .put("location", LOCATION)
        .put("etag", etag(set));
    root.putObject("sku")
        .put("name", "Standard_D2s_v5")
        .put("tier", "Standard")
        .put("capacity", set.capacity);
    ObjectNode props = root.putObject("properties");
    props
        .put("provisioningState", provisioning)
        .put("orchestrationMode", set.flexible ? "Flexible" : "Uniform")
        .put("uniqueId", "u-" + set.name);
    if (set.overprovision != null) {
      props.put("overprovision", set.overprovision);
    }
    if (set.automaticRepairs) {
      props.putObject("automaticRepairsPolicy").put("enabled", true).put("gracePeriod", "PT30M");
    }
    if (!set.flexible) {
      props.putObject("upgradePolicy").put("mode", "Manual");
    }
    ObjectNode profile = props.putObject("virtualMachineProfile");
    profile
        .putObject("osProfile")
        .put("computerNamePrefix", set.name)
        .put("adminUsername", "azureuser")
        .putObject("linuxConfiguration")
        .put("disablePasswordAuthentication", true);
    profile
        .putObject("storageProfile")
        .putObject("osDisk")
        .put("osType", "Linux")
        .put("createOption", "FromImage");
    return root;
  }

  private ObjectNode uniformVmJson(ScaleSetState set, VmState vm) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", set.id() + "/virtualMachines/" + vm.id)
        .put("name", vm.name)
        .put("instanceId", vm.id)
        .put("type", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines")
        .put("location", LOCATION);
    ObjectNode props = root.putObject("properties");
    vmProperties(props, vm);
    props
        .putObject("networkProfile")
        .putArray("networkInterfaces")
        .addObject()
        .put(
            "id",
            set.id() + "/virtualMachines/" + vm.id + "/networkInterfaces/" + set.name + "-nic");
    return root;
  }

  private ObjectNode flexibleVmJson(ScaleSetState set, VmState vm) {
    ObjectNode root = JSON.createObjectNode();
    root.put(
            "id",
            "/subscriptions/"
                + SUBSCRIPTION
                + "/resourceGroups/"
                + GROUP
                + "/providers/Microsoft.Compute/virtualMachines/"
                + vm.name)
        .put("name", vm.name)
        .put("type", "Microsoft.Compute/virtualMachines")
        .put("location", LOCATION);
    ObjectNode props = root.putObject("properties");
    vmProperties(props, vm);
    props.putObject("virtualMachineScaleSet").put("id", set.id());
    props
        .putObject("networkProfile")
        .putArray("networkInterfaces")
        .addObject()
        .put("id", networkId("networkInterfaces", vm.name + "-nic"))
        .putObject("properties")
        .put("primary", true);
    return root;
  }

  private static void vmProperties(ObjectNode props, VmState vm) {
    props.put("provisioningState", vm.provisioning);
    props.putObject("osProfile").put("computerName", vm.name).put("adminUsername", "azureuser");
    props
        .putObject("storageProfile")
        .putObject("osDisk")
        .put("osType", "Linux")
        .put("name", vm.name + "-os");
    ArrayNode statuses = props.putObject("instanceView").putArray("statuses");
    statuses
        .addObject()
        .put("code", "ProvisioningState/" + vm.provisioning.toLowerCase(Locale.ROOT))
        .put("level", vm.provisioning.equals("Failed") ? "Error" : "Info");
    statuses.addObject().put("code", "PowerState/" + vm.power).put("level", "Info");
  }

  private static ObjectNode nicJson(String id, String name, VmState vm, String pipId) {
    ObjectNode nic = JSON.createObjectNode().put("id", id).put("name", name);
    ObjectNode props =
        nic.putObject("properties").put("primary", true).put("provisioningState", "Succeeded");
    ObjectNode ip =
        props
            .putArray("ipConfigurations")
            .addObject()
            .put("name", "ipconfig1")
            .put("id", id + "/ipConfigurations/ipconfig1");
    ObjectNode ipProps =
        ip.putObject("properties")
            .put("privateIPAddress", vm.privateIp)
            .put("primary", true)
            .put("privateIPAllocationMethod", "Dynamic");
    if (vm.publicIp != null) {
      ipProps.putObject("publicIPAddress").put("id", pipId);
    }
    return nic;
  }

  private static ObjectNode pipJson(String id, VmState vm) {
    ObjectNode pip =
        JSON.createObjectNode().put("id", id).put("name", id.substring(id.lastIndexOf('/') + 1));
    pip.putObject("properties")
        .put("ipAddress", vm.publicIp)
        .put("publicIPAllocationMethod", "Static");
    return pip;
  }

  private static String networkId(String type, String name) {
    return "/subscriptions/"
        + SUBSCRIPTION
        + "/resourceGroups/"
        + GROUP
        + "/providers/Microsoft.Network/"
        + type
        + "/"
        + name;
  }

  private static String etag(ScaleSetState set) {
    return "\"" + set.etag + "\"";
  }

  private String operationUrl(String op) {
    return endpoint()
        + "/subscriptions/"
        + SUBSCRIPTION
        + "/providers/Microsoft.Compute/locations/"
        + LOCATION
        + "/operations/"
        + op
        + "?api-version=2025-04-01";
  }

  private String uniformListUrl(ScaleSetState set) {
    return endpoint() + set.id() + "/virtualMachines?api-version=2025-04-01&$expand=instanceView";
  }

  private String flexibleListUrl(String filter) {
    return endpoint()
        + "/subscriptions/"
        + SUBSCRIPTION
        + "/resourceGroups/"
        + GROUP
        + "/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01&$expand=instanceView&$filter="
        + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8);
  }

  private <T> void page(
      HttpExchange exchange,
      List<T> items,
      java.util.function.Function<T, ObjectNode> json,
      Map<String, String> query,
      String url)
      throws IOException {
    int from = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
    ObjectNode page = JSON.createObjectNode();
    ArrayNode value = page.putArray("value");
    for (int i = from; i < Math.min(items.size(), from + PAGE); i++) {
      value.add(json.apply(items.get(i)));
    }
    if (from + PAGE < items.size()) {
      page.put("nextLink", url + "&$skiptoken=" + (from + PAGE));
    }
    send(exchange, 200, page);
  }

  // ---- Plumbing. ----

  private void token(HttpExchange exchange, String form) throws IOException {
    Map<String, String> fields = query(form);
    if (!CLIENT_ID.equals(fields.get("client_id"))
        || !CLIENT_SECRET.equals(fields.get("client_secret"))
        || !"client_credentials".equals(fields.get("grant_type"))) {
      ObjectNode error =
          JSON.createObjectNode()
              .put("error", "invalid_client")
              .put("error_description", "AADSTS7000215: Invalid client secret provided.");
      send(exchange, 401, error);
      return;
    }
    String token = "fake-token-" + ids.incrementAndGet();
    tokens.add(token);
    ObjectNode answer =
        JSON.createObjectNode()
            .put("token_type", "Bearer")
            .put("expires_in", 3599)
            .put("ext_expires_in", 3599)
            .put("access_token", token);
    send(exchange, 200, answer);
  }

  private synchronized @Nullable Fault takeFault(String method, String lowerPath) {
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      if (f.method().equals(method) && lowerPath.contains(f.path())) {
        if (f.times() <= 1) {
          faults.remove(i);
        } else {
          faults.set(i, new Fault(f.method(), f.path(), f.times() - 1, f.kind()));
        }
        return f;
      }
    }
    return null;
  }

  private void respondFault(HttpExchange exchange, Fault fault) throws IOException {
    tally("fault " + fault.kind());
    switch (fault.kind()) {
      case QUOTA ->
          error(
              exchange,
              409,
              "OperationNotAllowed",
              "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Location: westeurope, Current Limit: 10, Current Usage: 10, Additional Required: 2.");
      case SKU_NOT_AVAILABLE ->
          error(
              exchange,
              409,
              "SkuNotAvailable",
              "The requested VM size Standard_D2s_v5 is currently not available in location 'westeurope'.");
      case THROTTLED_1S -> {
        exchange.getResponseHeaders().add("Retry-After", "1");
        error(exchange, 429, "TooManyRequests", "The request is being throttled.");
      }
      case THROTTLED_LONG -> {
        exchange.getResponseHeaders().add("Retry-After", "3600");
        error(exchange, 429, "TooManyRequests", "The request is being throttled.");
      }
      case SERVER_ERROR -> error(exchange, 500, "InternalServerError", "Something went wrong.");
      case NOT_AUTHORIZED ->
          error(
              exchange,
              403,
              "AuthorizationFailed",
              "The client '"
                  + CLIENT_ID
                  + "' does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/write' over scope '/subscriptions/"
                  + SUBSCRIPTION
                  + "'.");
      default -> throw new IllegalStateException("not a response fault: " + fault);
    }
  }

  private void retryAfter(HttpExchange exchange) {
    int seconds = operationRetryAfter;
    if (seconds >= 0) {
      exchange.getResponseHeaders().add("Retry-After", Integer.toString(seconds));
    }
  }

  private void unknown(HttpExchange exchange, String method, String path) throws IOException {
    synchronized (this) {
      unexpected.add(method + " " + path);
    }
    error(exchange, 404, "NotFound", "fake: no route for " + method + " " + path);
  }

  private void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    send(exchange, status, body);
  }

  private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    var headers = exchange.getResponseHeaders();
    headers.add("Content-Type", "application/json; charset=utf-8");
    headers.add("x-ms-request-id", "req-" + ids.incrementAndGet());
    headers.add("x-ms-ratelimit-remaining-subscription-reads", "11999");
    headers.add("x-ms-ratelimit-remaining-subscription-writes", Integer.toString(remainingWrites));
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void tally(String operation) {
    counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> map = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return map;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      map.put(key, value);
    }
    return map;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SSLContext sslContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = FakeArm.class.getResourceAsStream("/arm-fake/server.p12")) {
      store.load(Objects.requireNonNull(in, "arm-fake/server.p12"), "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
