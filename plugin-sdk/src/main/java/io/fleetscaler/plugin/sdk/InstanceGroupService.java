package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.proto.plugin.v1.ConnectInfoRequest;
import io.fleetscaler.proto.plugin.v1.ConnectInfoResponse;
import io.fleetscaler.proto.plugin.v1.DecreaseRequest;
import io.fleetscaler.proto.plugin.v1.DecreaseResponse;
import io.fleetscaler.proto.plugin.v1.HeartbeatRequest;
import io.fleetscaler.proto.plugin.v1.HeartbeatResponse;
import io.fleetscaler.proto.plugin.v1.IncreaseRequest;
import io.fleetscaler.proto.plugin.v1.IncreaseResponse;
import io.fleetscaler.proto.plugin.v1.InitRequest;
import io.fleetscaler.proto.plugin.v1.InitResponse;
import io.fleetscaler.proto.plugin.v1.InstanceGroupGrpc;
import io.fleetscaler.proto.plugin.v1.ResumeRequest;
import io.fleetscaler.proto.plugin.v1.ResumeResponse;
import io.fleetscaler.proto.plugin.v1.ShutdownRequest;
import io.fleetscaler.proto.plugin.v1.ShutdownResponse;
import io.fleetscaler.proto.plugin.v1.SuspendRequest;
import io.fleetscaler.proto.plugin.v1.SuspendResponse;
import io.fleetscaler.proto.plugin.v1.UpdateRequest;
import io.fleetscaler.proto.plugin.v1.UpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The plugin-side adapter: serves {@code fleetscaler.plugin.v1.InstanceGroup} by calling an {@link
 * InstanceGroup}. Failures become gRPC statuses through {@link ProviderStatus}; a failure that is
 * not a {@link ProviderException} is a bug in the plugin and is logged with its stack trace.
 * Thread-safe as far as the wrapped group is (gRPC may run calls concurrently).
 *
 * <p>Until an {@code Init} has succeeded, every other method answers {@code FAILED_PRECONDITION}
 * saying so, without reaching the group: a host that skips {@code Init} (or ignores its failure)
 * gets a clear answer instead of whatever state error the group would throw, which would travel as
 * {@code UNKNOWN} and be logged here as a plugin bug.
 */
final class InstanceGroupService extends InstanceGroupGrpc.InstanceGroupImplBase {
  private final InstanceGroup group;
  private final System.Logger log;

  /** Set once an {@code Init} has succeeded; never cleared. */
  private volatile boolean initialised;

  InstanceGroupService(InstanceGroup group, System.Logger log) {
    this.group = group;
    this.log = log;
  }

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> out) {
    answer(
        out,
        () -> {
          var info =
              group.init(
                  ProtoMapping.fromProto(request.getSettings()), request.getPluginConfigJson());
          initialised = true;
          return InitResponse.newBuilder().setInfo(ProtoMapping.toProto(info)).build();
        });
  }

  @Override
  public void update(UpdateRequest request, StreamObserver<UpdateResponse> out) {
    afterInit(
        "Update",
        out,
        () -> {
          var builder = UpdateResponse.newBuilder();
          group.update().forEach(status -> builder.addInstances(ProtoMapping.toProto(status)));
          return builder.build();
        });
  }

  @Override
  public void increase(IncreaseRequest request, StreamObserver<IncreaseResponse> out) {
    afterInit(
        "Increase",
        out,
        () -> {
          if (request.getDelta() < 1) {
            throw new ProviderException.InvalidConfig(
                "increase delta must be at least 1, was " + request.getDelta());
          }
          return IncreaseResponse.newBuilder()
              .setRequested(group.increase(request.getDelta()))
              .build();
        });
  }

  @Override
  public void decrease(DecreaseRequest request, StreamObserver<DecreaseResponse> out) {
    afterInit(
        "Decrease",
        out,
        () ->
            DecreaseResponse.newBuilder().addAllIds(group.decrease(request.getIdsList())).build());
  }

  @Override
  public void connectInfo(ConnectInfoRequest request, StreamObserver<ConnectInfoResponse> out) {
    afterInit(
        "ConnectInfo",
        out,
        () ->
            ConnectInfoResponse.newBuilder()
                .setInfo(ProtoMapping.toProto(group.connectInfo(request.getId())))
                .build());
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
    afterInit(
        "Heartbeat",
        out,
        () -> {
          group.heartbeat(request.getId());
          return HeartbeatResponse.getDefaultInstance();
        });
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> out) {
    afterInit(
        "Shutdown",
        out,
        () -> {
          group.shutdown();
          return ShutdownResponse.getDefaultInstance();
        });
  }

  @Override
  public void suspend(SuspendRequest request, StreamObserver<SuspendResponse> out) {
    afterInit(
        "Suspend",
        out,
        () -> SuspendResponse.newBuilder().addAllIds(group.suspend(request.getIdsList())).build());
  }

  @Override
  public void resume(ResumeRequest request, StreamObserver<ResumeResponse> out) {
    afterInit(
        "Resume",
        out,
        () -> ResumeResponse.newBuilder().addAllIds(group.resume(request.getIdsList())).build());
  }

  private <T> void afterInit(String method, StreamObserver<T> out, Supplier<T> call) {
    if (!initialised) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  method
                      + " called before the plugin was initialised: call Init (with a"
                      + " configuration it accepts) first")
              .asRuntimeException());
      return;
    }
    answer(out, call);
  }

  private <T> void answer(StreamObserver<T> out, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      if (!(e instanceof ProviderException)) {
        log.log(Level.ERROR, "instance group failed unexpectedly", e);
      }
      out.onError(ProviderStatus.toStatus(e).asRuntimeException());
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
