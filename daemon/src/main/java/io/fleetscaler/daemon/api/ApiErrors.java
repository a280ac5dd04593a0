package io.fleetscaler.daemon.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.proto.v1.NoCapacity;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The API's closed set of errors (documented in {@code fleet.proto} and {@code docs/api.md}), each
 * a {@code google.rpc.Status} so clients get typed details besides the message.
 */
final class ApiErrors {
  private ApiErrors() {}

  /** INVALID_ARGUMENT; the message starts with the field and a BadRequest detail names it. */
  static StatusRuntimeException invalid(String field, String problem) {
    BadRequest detail =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder().setField(field).setDescription(problem))
            .build();
    return status(Code.INVALID_ARGUMENT, field + ": " + problem, Any.pack(detail));
  }

  /** RESOURCE_EXHAUSTED with the group's slot counts, in the message and as a NoCapacity detail. */
  static StatusRuntimeException noCapacity(String group, String what, ScalerSnapshot snapshot) {
    io.fleetscaler.proto.v1.SlotCounts counts = FleetMessages.slotCounts(snapshot);
    String message =
        what
            + " in group '"
            + group
            + "' (idle:"
            + counts.getIdle()
            + ",reserved:"
            + counts.getReserved()
            + ",acquired:"
            + counts.getAcquired()
            + ",unavailable:"
            + counts.getUnavailable()
            + ",unhealthy:"
            + counts.getUnhealthy()
            + ",pending:"
            + counts.getPending()
            + ")";
    NoCapacity detail = NoCapacity.newBuilder().setGroup(group).setSlots(counts).build();
    return status(Code.RESOURCE_EXHAUSTED, message, Any.pack(detail));
  }

  static StatusRuntimeException of(Code code, String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).build());
  }

  private static StatusRuntimeException status(Code code, String message, Any detail) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(detail)
            .build());
  }
}
