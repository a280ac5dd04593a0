package io.fleetscaler.plugin.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The state behind {@link FakeCompute}: managed instance groups (zonal and regional), their VMs and
 * Compute {@code Operation}s, moving on an injected clock as the Compute REST reference describes
 * them. A new VM is listed at once with {@code currentAction} CREATING, then is PROVISIONING,
 * STAGING and RUNNING (action NONE); {@code deleteInstances} marks it DELETING (status STOPPING)
 * and lowers the target size, and it disappears after the deletion latency; {@code resize} up adds
 * VMs, down deletes the newest ones (Google's choice, which the plugin must never leave to it);
 * suspend, resume, stop and start move the VM through SUSPENDING/SUSPENDED, RESUMING,
 * STOPPING/TERMINATED and STARTING. Every operation is RUNNING until its latency passed, then DONE.
 * All methods are synchronized: the HTTP server calls them from several threads.
 */
final class ComputeModel {
  static final String BASE = "https://www.googleapis.com/compute/v1/";
  static final String PROJECT_NUMBER = "123456789012";

  /**
   * How long each step takes on the model's clock.
   *
   * @param provisioning CREATING with status PROVISIONING
   * @param staging then STAGING, before RUNNING
   * @param deleting DELETING before the VM is gone
   * @param transition suspending, resuming, stopping, starting
   * @param operation before an operation is DONE
   */
  record Latencies(
      Duration provisioning,
      Duration staging,
      Duration deleting,
      Duration transition,
      Duration operation) {
    static Latencies none() {
      return new Latencies(
          Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    static Latencies realistic() {
      return new Latencies(
          Duration.ofSeconds(20),
          Duration.ofSeconds(15),
          Duration.ofSeconds(30),
          Duration.ofSeconds(20),
          Duration.ofSeconds(3));
    }
  }

  /** A managed instance group. */
  static final class Group {
    final String project;
    final boolean regional;
    final String location;
    final String name;
    final List<String> zones;
    int targetSize;
    int targetSuspendedSize;
    int targetStoppedSize;
    String autoscaler = "";
    boolean paginated = true;
    @Nullable String creationError;
    private int zoneCursor;

    Group(String project, boolean regional, String location, String name, List<String> zones) {
      this.project = project;
      this.regional = regional;
      this.location = location;
      this.name = name;
      this.zones = List.copyOf(zones);
    }

    String path() {
      return "projects/" + project + (regional ? "/regions/" : "/zones/") + location;
    }

    String selfLink() {
      return BASE + path() + "/instanceGroupManagers/" + name;
    }

    String nextZone() {
      return zones.get(zoneCursor++ % zones.size());
    }
  }

  /** A VM of a group. */
  static final class Vm {
    final Group group;
    final String zone;
    final String name;
    final long id;
    final String networkIp;
    final String natIp;
    String action = "CREATING";
    String status = "";
    Instant since;
    @Nullable String lastAttemptError;
    boolean windows;
    final Map<String, String> metadata = new LinkedHashMap<>();
    int metadataVersion = 1;

    Vm(Group group, String zone, String name, long id, int n, Instant now) {
      this.group = group;
      this.zone = zone;
      this.name = name;
      this.id = id;
      this.networkIp = "10.128.0." + (2 + n % 250);
      this.natIp = "34.1." + (n / 250) % 250 + "." + (2 + n % 250);
      this.since = now;
      metadata.put(
          "created-by",
          "projects/"
              + PROJECT_NUMBER
              + (group.regional ? "/regions/" : "/zones/")
              + group.location
              + "/instanceGroupManagers/"
              + group.name);
    }

    String selfLink() {
      return BASE + "projects/" + group.project + "/zones/" + zone + "/instances/" + name;
    }

    String fingerprint() {
      return "fp-" + metadataVersion;
    }
  }

  /** A Compute operation. */
  record Op(
      String name,
      String project,
      boolean regional,
      String location,
      String type,
      String target,
      Instant doneAt,
      @Nullable String errorCode,
      @Nullable String errorMessage,
      int httpStatus) {}

  private final Clock clock;
  private final Latencies latencies;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<String, Vm> vms = new LinkedHashMap<>(); // by zone/name
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private long nextId = 7_000_000_000_000_000L;
  private int created;

  ComputeModel(Clock clock, Latencies latencies) {
    this.clock = clock;
    this.latencies = latencies;
  }

  synchronized Group addGroup(
      String project, boolean regional, String location, String name, List<String> zones) {
    Group g = new Group(project, regional, location, name, zones);
    groups.put(key(project, regional, location, name), g);
    return g;
  }

  synchronized Optional<Group> group(
      String project, boolean regional, String location, String name) {
    return Optional.ofNullable(groups.get(key(project, regional, location, name)));
  }

  /** The VMs of a group now, settled to the clock. */
  synchronized List<Vm> vms(Group g) {
    settle();
    return vms.values().stream().filter(v -> v.group == g).toList();
  }

  synchronized Optional<Vm> vm(String project, String zone, String name) {
    settle();
    Vm v = vms.get(zone + "/" + name);
    return v != null && v.group.project.equals(project) ? Optional.of(v) : Optional.empty();
  }

  synchronized Optional<Op> operation(
      String project, boolean regional, String location, String name) {
    Op op = operations.get(name);
    if (op == null
        || !op.project().equals(project)
        || op.regional() != regional
        || !op.location().equals(location)) {
      return Optional.empty();
    }
    return Optional.of(op);
  }

  synchronized Op newOperation(
      Group g,
      String type,
      String target,
      @Nullable String errorCode,
      @Nullable String errorMessage,
      int httpStatus) {
    return newOperation(
        g.project, g.regional, g.location, type, target, errorCode, errorMessage, httpStatus);
  }

  synchronized Op newOperation(
      String project,
      boolean regional,
      String location,
      String type,
      String target,
      @Nullable String errorCode,
      @Nullable String errorMessage,
      int httpStatus) {
    String name = "operation-" + nextId++ + "-" + type.replace('.', '-');
    Op op =
        new Op(
            name,
            project,
            regional,
            location,
            type,
            target,
            clock.instant().plus(latencies.operation()),
            errorCode,
            errorMessage,
            httpStatus);
    operations.put(name, op);
    return op;
  }

  /** {@code resize}: up adds VMs; down deletes the newest (as Google may choose). */
  synchronized void resize(Group g, int size) {
    settle();
    while (g.targetSize < size) {
      g.targetSize++;
      Vm v =
          new Vm(
              g,
              g.nextZone(),
              g.name + "-" + suffix(created),
              nextId++,
              created++,
              clock.instant());
      v.lastAttemptError = g.creationError;
      vms.put(v.zone + "/" + v.name, v);
    }
    List<Vm> live =
        new ArrayList<>(vms(g).stream().filter(v -> !v.action.equals("DELETING")).toList());
    while (g.targetSize > size && !live.isEmpty()) {
      startDeleting(live.removeLast());
      g.targetSize--;
    }
    g.targetSize = Math.max(size, 0);
  }

  /**
   * {@code deleteInstances}: the named VMs that are members are deleted and the target size drops
   * by their number; others are skipped when {@code skip}, else the call is refused.
   *
   * @return the URLs that are not members (refused when not skipping)
   */
  synchronized List<String> deleteInstances(Group g, List<String> urls, boolean skip) {
    settle();
    List<Vm> members = new ArrayList<>();
    List<String> strangers = new ArrayList<>();
    for (String url : urls) {
      Optional<Vm> v = member(g, url);
      if (v.isPresent() && !v.get().action.equals("DELETING")) {
        members.add(v.get());
      } else if (v.isEmpty()) {
        strangers.add(url);
      }
    }
    if (!strangers.isEmpty() && !skip) {
      return strangers;
    }
    for (Vm v : members) {
      startDeleting(v);
      g.targetSize--;
      if (v.status.equals("SUSPENDED")) {
        g.targetSuspendedSize--;
      }
      if (v.status.equals("TERMINATED")) {
        g.targetStoppedSize--;
      }
    }
    return List.of();
  }

  /**
   * Suspend, resume, stop or start the named members.
   *
   * @return the URLs that are not members; nothing changes when there are any
   */
  synchronized List<String> transition(Group g, String verb, List<String> urls) {
    settle();
    List<Vm> members = new ArrayList<>();
    List<String> strangers = new ArrayList<>();
    for (String url : urls) {
      member(g, url).ifPresentOrElse(members::add, () -> strangers.add(url));
    }
    if (!strangers.isEmpty()) {
      return strangers;
    }
    for (Vm v : members) {
      switch (verb) {
        case "suspendInstances" -> {
          if (!v.status.equals("SUSPENDED")) {
            act(v, "SUSPENDING", "SUSPENDING");
            g.targetSuspendedSize++;
          }
        }
        case "resumeInstances" -> {
          if (v.status.equals("SUSPENDED") || v.action.equals("SUSPENDING")) {
            act(v, "RESUMING", "RUNNING");
            g.targetSuspendedSize--;
          }
        }
        case "stopInstances" -> {
          if (!v.status.equals("TERMINATED")) {
            act(v, "STOPPING", "STOPPING");
            g.targetStoppedSize++;
          }
        }
        case "startInstances" -> {
          if (v.status.equals("TERMINATED") || v.action.equals("STOPPING")) {
            act(v, "STARTING", "STAGING");
            g.targetStoppedSize--;
          }
        }
        default -> throw new IllegalArgumentException(verb);
      }
    }
    return List.of();
  }

  /** As an operator deleting a VM of the group in the console: {@code deleteInstances}. */
  synchronized void deleteBehindTheBack(Vm v) {
    deleteInstances(v.group, List.of("zones/" + v.zone + "/instances/" + v.name), true);
  }

  /** {@code setMetadata}: false when the fingerprint is stale. */
  synchronized boolean setMetadata(Vm v, String fingerprint, Map<String, String> items) {
    if (!v.fingerprint().equals(fingerprint)) {
      return false;
    }
    String createdBy = v.metadata.get("created-by");
    v.metadata.clear();
    v.metadata.putAll(items);
    if (createdBy != null) {
      v.metadata.putIfAbsent("created-by", createdBy);
    }
    v.metadataVersion++;
    return true;
  }

  // ---- JSON, in Compute's field names. ----

  synchronized ObjectNode groupJson(Group g) {
    settle();
    ObjectNode n = json.createObjectNode();
    n.put("kind", "compute#instanceGroupManager");
    n.put("id", Integer.toUnsignedString(g.selfLink().hashCode()));
    n.put("name", g.name);
    n.put(g.regional ? "region" : "zone", BASE + g.path());
    n.put("baseInstanceName", g.name);
    n.put("instanceTemplate", BASE + "projects/" + g.project + "/global/instanceTemplates/runner");
    n.put("instanceGroup", BASE + g.path() + "/instanceGroups/" + g.name);
    n.put("targetSize", g.targetSize);
    n.put("targetSuspendedSize", g.targetSuspendedSize);
    n.put("targetStoppedSize", g.targetStoppedSize);
    n.put("listManagedInstancesResults", g.paginated ? "PAGINATED" : "PAGELESS");
    n.put("fingerprint", "igm-fp");
    n.put("selfLink", g.selfLink());
    ObjectNode status = n.putObject("status");
    boolean stable = vms(g).stream().allMatch(v -> v.action.equals("NONE"));
    status.put("isStable", stable);
    if (!g.autoscaler.isEmpty()) {
      status.put("autoscaler", g.autoscaler);
    }
    return n;
  }

  synchronized ObjectNode managedInstanceJson(Vm v) {
    ObjectNode n = json.createObjectNode();
    n.put("instance", v.selfLink());
    n.put("name", v.name);
    n.put("currentAction", v.action);
    if (!v.status.isEmpty()) {
      n.put("id", String.valueOf(v.id));
      n.put("instanceStatus", v.status);
    }
    if (v.lastAttemptError != null) {
      ObjectNode error =
          n.putObject("lastAttempt").putObject("errors").putArray("errors").addObject();
      error.put("code", v.lastAttemptError);
      error.put(
          "message",
          "The zone '"
              + BASE
              + "projects/"
              + v.group.project
              + "/zones/"
              + v.zone
              + "' does not have enough resources available to fulfill the request.");
    }
    return n;
  }

  synchronized ObjectNode instanceJson(Vm v) {
    settle();
    ObjectNode n = json.createObjectNode();
    n.put("kind", "compute#instance");
    n.put("id", String.valueOf(v.id));
    n.put("name", v.name);
    n.put("zone", BASE + "projects/" + v.group.project + "/zones/" + v.zone);
    n.put(
        "machineType",
        BASE + "projects/" + v.group.project + "/zones/" + v.zone + "/machineTypes/e2-medium");
    n.put("status", v.status.isEmpty() ? "PROVISIONING" : v.status);
    n.put("selfLink", v.selfLink());
    ObjectNode nic = n.putArray("networkInterfaces").addObject();
    nic.put("name", "nic0");
    nic.put("networkIP", v.networkIp);
    ObjectNode access = nic.putArray("accessConfigs").addObject();
    access.put("type", "ONE_TO_ONE_NAT");
    access.put("name", "External NAT");
    access.put("natIP", v.natIp);
    ObjectNode disk = n.putArray("disks").addObject();
    disk.put("boot", true);
    disk.put("architecture", "X86_64");
    disk.putArray("guestOsFeatures")
        .addObject()
        .put("type", v.windows ? "WINDOWS" : "VIRTIO_SCSI_MULTIQUEUE");
    ObjectNode metadata = n.putObject("metadata");
    metadata.put("kind", "compute#metadata");
    metadata.put("fingerprint", v.fingerprint());
    ArrayNode items = metadata.putArray("items");
    v.metadata.forEach((k, value) -> items.addObject().put("key", k).put("value", value));
    return n;
  }

  synchronized ObjectNode operationJson(Op op) {
    ObjectNode n = json.createObjectNode();
    boolean done = !clock.instant().isBefore(op.doneAt());
    String location =
        "projects/" + op.project() + (op.regional() ? "/regions/" : "/zones/") + op.location();
    n.put("kind", "compute#operation");
    n.put("id", op.name().replaceAll("\\D", "").substring(0, 10));
    n.put("name", op.name());
    n.put(op.regional() ? "region" : "zone", BASE + location);
    n.put("operationType", op.type());
    n.put("targetLink", op.target());
    n.put("status", done ? "DONE" : "RUNNING");
    n.put("progress", done ? 100 : 0);
    n.put("selfLink", BASE + location + "/operations/" + op.name());
    if (done && op.errorCode() != null) {
      ObjectNode e = n.putObject("error").putArray("errors").addObject();
      e.put("code", op.errorCode());
      e.put("message", op.errorMessage());
      n.put("httpErrorStatusCode", op.httpStatus());
      n.put("httpErrorMessage", op.httpStatus() == 403 ? "FORBIDDEN" : "BAD REQUEST");
    }
    return n;
  }

  // ---- The state machine. ----

  /** Moves every VM along to the clock's now. */
  private void settle() {
    Instant now = clock.instant();
    Iterator<Vm> it = vms.values().iterator();
    while (it.hasNext()) {
      Vm v = it.next();
      Duration age = Duration.between(v.since, now);
      switch (v.action) {
        case "CREATING" -> {
          if (v.lastAttemptError != null) {
            v.status = "";
          } else if (age.compareTo(latencies.provisioning()) < 0) {
            v.status = "PROVISIONING";
          } else if (age.compareTo(latencies.provisioning().plus(latencies.staging())) < 0) {
            v.status = "STAGING";
          } else {
            act(v, "NONE", "RUNNING");
          }
        }
        case "DELETING" -> {
          if (age.compareTo(latencies.deleting()) >= 0) {
            it.remove();
          }
        }
        case "SUSPENDING", "RESUMING", "STOPPING", "STARTING" -> {
          if (age.compareTo(latencies.transition()) >= 0) {
            String settled =
                switch (v.action) {
                  case "SUSPENDING" -> "SUSPENDED";
                  case "STOPPING" -> "TERMINATED";
                  default -> "RUNNING";
                };
            v.action = "NONE";
            v.status = settled;
          }
        }
        default -> {}
      }
    }
  }

  private void act(Vm v, String action, String status) {
    v.action = action;
    v.status = status;
    v.since = clock.instant();
  }

  private void startDeleting(Vm v) {
    act(v, "DELETING", "STOPPING");
    if (latencies.deleting().isZero()) {
      vms.remove(v.zone + "/" + v.name);
    }
  }

  private Optional<Vm> member(Group g, String url) {
    var m = java.util.regex.Pattern.compile("(?:^|/)zones/([^/]+)/instances/([^/]+)$").matcher(url);
    if (!m.find()) {
      return Optional.empty();
    }
    Vm v = vms.get(m.group(1) + "/" + m.group(2));
    return v != null && v.group == g ? Optional.of(v) : Optional.empty();
  }

  private static String suffix(int n) {
    String s = Integer.toString(n, 36);
    return "a000".substring(0, Math.max(0, 4 - s.length())) + s;
  }

  private static String key(String project, boolean regional, String location, String name) {
    return project + "/" + (regional ? "regions/" : "zones/") + location + "/" + name;
  }
}
