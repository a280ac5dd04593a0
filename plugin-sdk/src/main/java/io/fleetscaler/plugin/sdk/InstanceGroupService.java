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
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The plugin-side adapter: serves {@code fleetscaler.plugin.v1.InstanceGroup} by calling an {@link
 * InstanceGroup}. Failures become gRPC statuses through {@link ProviderStatus}; a failure that is
 * not a {@link ProviderException} is a bug in the plugin and is logged with its stack trace.
 * Thread-safe as far as the wrapped group is (gRPC may run calls concurrently).
 */
final class InstanceGroupService extends InstanceGroupGrpc.InstanceGroupImplBase {
  private final InstanceGroup group;
  private final System.Logger log;

  InstanceGroupService(InstanceGroup group, System.Logger log) {
    this.group = group;
    this.log = log;
  }

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> out) {
    answer(
        out,
        () ->
            InitResponse.newBuilder()
                .setInfo(
                    ProtoMapping.toProto(
                        group.init(
                            ProtoMapping.fromProto(request.getSettings()),
                            request.getPluginConfigJson())))
                .build());
  }

  @Override
  public void update(UpdateRequest request, StreamObserver<UpdateResponse> out) {
    answer(
        out,
        () -> {
          var builder = UpdateResponse.newBuilder();
          group.update().forEach(status -> builder.addInstances(ProtoMapping.toProto(status)));
          return builder.build();
        });
  }

  @Override
  public void increase(IncreaseRequest request, StreamObserver<IncreaseResponse> out) {
    answer(
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
    answer(
        out,
        () ->
            DecreaseResponse.newBuilder().addAllIds(group.decrease(request.getIdsList())).build());
  }

  @Override
  public void connectInfo(ConnectInfoRequest request, StreamObserver<ConnectInfoResponse> out) {
    answer(
        out,
        () ->
            ConnectInfoResponse.newBuilder()
                .setInfo(ProtoMapping.toProto(group.connectInfo(request.getId())))
                .build());
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
    answer(
        out,
        () -> {
          group.heartbeat(request.getId());
          return HeartbeatResponse.getDefaultInstance();
        });
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> out) {
    answer(
        out,
        () -> {
          group.shutdown();
          return ShutdownResponse.getDefaultInstance();
        });
  }

  @Override
  public void suspend(SuspendRequest request, StreamObserver<SuspendResponse> out) {
    answer(
        out,
        () -> SuspendResponse.newBuilder().addAllIds(group.suspend(request.getIdsList())).build());
  }

  @Override
  public void resume(ResumeRequest request, StreamObserver<ResumeResponse> out) {
    answer(
        out,
        () -> ResumeResponse.newBuilder().addAllIds(group.resume(request.getIdsList())).build());
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
