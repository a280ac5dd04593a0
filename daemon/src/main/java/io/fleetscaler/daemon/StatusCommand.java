package io.fleetscaler.daemon;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.daemon.config.ListenAddress;
import io.fleetscaler.proto.v1.GetBlockingReasonsRequest;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler status}: asks a running daemon's gRPC API for its fleet and prints, per group,
 * the slots, the instances with their states, the recent scaling decisions with their reasons and
 * why jobs wait (the blocking reasons); or the same as JSON. With {@code --why}, only why jobs
 * wait. Exit status 0 on success, 1 when the daemon cannot be asked, 2 on a usage error.
 *
 * <p>Under high availability it follows a standby to the leader (of the named group's shard, in a
 * sharded set) and prints each node's role; in a sharded set the answer lists, after the groups the
 * node leads, the groups led elsewhere with their shard's leader (the JSON form's {@code
 * elsewhere}).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the groups, instances, slots and recent decisions of a running daemon.")
final class StatusCommand implements Callable<Integer> {

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--address",
      defaultValue = ApiServerSettings.DEFAULT_LISTEN,
      description = "The daemon's gRPC address (default: ${DEFAULT-VALUE}).")
  String address = ApiServerSettings.DEFAULT_LISTEN;

  @Option(names = "--group", description = "Show only this group.")
  @Nullable String group;

  @Option(
      names = "--json",
      description =
          "Print the fleet as JSON (the GetFleet answer; with --why, the GetBlockingReasons one).")
  boolean json;

  @Option(
      names = "--why",
      description = "Show only why jobs wait: the blocking reasons and the instances booting.")
  boolean why;

  @Option(names = "--tls", description = "Connect with TLS (implied by the other --tls-* options).")
  boolean tls;

  @Option(names = "--tls-ca", description = "CA certificates (PEM) to verify the daemon with.")
  @Nullable Path tlsCa;

  @Option(names = "--tls-cert", description = "Client certificate (PEM) for mutual TLS.")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", description = "The client certificate's key (PKCS#8 PEM).")
  @Nullable Path tlsKey;

  @Option(names = "--token-file", description = "A file holding the API's bearer token.")
  @Nullable Path tokenFile;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      description = "Seconds to wait for the daemon (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 10;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ListenAddress.parse(address);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--address: " + e.getMessage(), e);
    }
    ApiClientSettings settings;
    try {
      settings =
          new ApiClientSettings(
              address, tls || tlsCa != null || tlsCert != null, tlsCa, tlsCert, tlsKey, tokenFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    String only = group == null ? "" : group;
    GetFleetResponse fleet = GetFleetResponse.getDefaultInstance();
    GetBlockingReasonsResponse reasons = GetBlockingReasonsResponse.getDefaultInstance();
    // The nodes each call met: the first call follows a standby to the leader, later ones go
    // straight to it, so the roles come from every call, not only the last.
    List<NotLeader> hops = new ArrayList<>();
    try (LeaderFollowingClient client = connect(settings)) {
      try {
        if (!why) {
          fleet =
              client.call(
                  only,
                  stub ->
                      stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                          .getFleet(GetFleetRequest.newBuilder().setGroup(only).build()));
          hops.addAll(client.lastHops());
        }
        try {
          reasons =
              client.call(
                  only,
                  stub ->
                      stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                          .getBlockingReasons(
                              GetBlockingReasonsRequest.newBuilder().setGroup(only).build()));
        } catch (StatusRuntimeException e) {
          if (why || e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
            throw e;
          }
          // A daemon from before the call: the table shows the fleet without the reasons.
        }
      } finally {
        // The last call's (the blocking reasons', or the one that failed).
        hops.addAll(client.lastHops());
        printRoles(json ? err : out, hops, fleet.getElsewhereCount() > 0);
      }
    } catch (StatusRuntimeException e) {
      err.println(
          "fleetscaler status: "
              + address
              + ": "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription()));
      err.flush();
      return 1;
    }
    if (json) {
      try {
        out.println(JsonFormat.printer().print(why ? reasons : fleet));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the fleet has no JSON form: " + e.getMessage(), e);
      }
    } else if (why) {
      out.print(StatusTable.renderWhy(reasons));
    } else {
      out.print(StatusTable.render(fleet, reasons));
    }
    out.flush();
    return 0;
  }

  /**
   * Under high availability: the role of each node the call met (a standby names its leader; the
   * node that answered leads). Nothing for a lone daemon. In a sharded set ({@code sharded}: the
   * answer lists groups led elsewhere) a node that turned the call away may lead other shards, so
   * the line names the shard it does not lead.
   */
  private static void printRoles(PrintWriter to, List<NotLeader> hops, boolean sharded) {
    for (NotLeader h : hops) {
      String role =
          sharded && !h.getShard().isEmpty() ? "does not lead shard " + h.getShard() : "standby";
      to.println(
          "node "
              + h.getNode()
              + ": "
              + (h.getLeaderNode().isEmpty()
                  ? "not serving (no leader known, or its lease is not sure)"
                  : role + "; leader " + h.getLeaderNode() + " at " + h.getLeaderApiAddress()));
    }
    if (!hops.isEmpty() && !hops.get(hops.size() - 1).getLeaderNode().isEmpty()) {
      NotLeader last = hops.get(hops.size() - 1);
      to.println(
          "node "
              + last.getLeaderNode()
              + ": leader"
              + (sharded && !last.getShard().isEmpty() ? " of shard " + last.getShard() : "")
              + " (answered below)");
    }
    to.flush();
  }

  private LeaderFollowingClient connect(ApiClientSettings settings) {
    try {
      return LeaderFollowingClient.connect(settings);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
