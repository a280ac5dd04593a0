package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.ProviderException;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderStatusTest {

  @Test
  void everyKindSurvivesTheRoundTripWithItsMessage() {
    List<ProviderException> kinds =
        List.of(
            new ProviderException.NotFound("a"),
            new ProviderException.Unhealthy("b"),
            new ProviderException.Capacity("c"),
            new ProviderException.Unavailable("d"),
            new ProviderException.InvalidConfig("e"),
            new ProviderException.Unsupported("f"));
    for (ProviderException kind : kinds) {
      ProviderException back =
          ProviderStatus.fromStatus(
              ProviderStatus.toStatus(kind).asRuntimeException(), "p", "Call");
      assertThat(back).isExactlyInstanceOf(kind.getClass());
      assertThat(back.getMessage()).isEqualTo("plugin p Call: " + kind.getMessage());
    }
  }

  @Test
  void eachKindHasItsOwnCode() {
    assertThat(ProviderStatus.codeOf(new ProviderException.NotFound("x")))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ProviderStatus.codeOf(new ProviderException.Unhealthy("x")))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(ProviderStatus.codeOf(new ProviderException.Capacity("x")))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ProviderStatus.codeOf(new ProviderException.Unavailable("x")))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ProviderStatus.codeOf(new ProviderException.InvalidConfig("x")))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ProviderStatus.codeOf(new ProviderException.Unsupported("x")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void unexpectedFailuresAndCodesBecomeUnavailable() {
    assertThat(ProviderStatus.toStatus(new IllegalStateException("bug")).getCode())
        .isEqualTo(Status.Code.UNKNOWN);
    assertThat(ProviderStatus.toStatus(new IllegalStateException("bug")).getDescription())
        .isEqualTo("the plugin failed unexpectedly: bug");
    assertThat(ProviderStatus.toStatus(new NullPointerException()).getDescription())
        .as("said in words, the class only as a hint")
        .isEqualTo(
            "the plugin failed unexpectedly: an internal error without a message"
                + " (NullPointerException in the plugin)");
    for (Status status :
        List.of(
            Status.UNKNOWN,
            Status.DEADLINE_EXCEEDED,
            Status.INTERNAL,
            Status.CANCELLED,
            Status.PERMISSION_DENIED,
            Status.UNAUTHENTICATED,
            Status.ABORTED,
            Status.DATA_LOSS)) {
      assertThat(ProviderStatus.fromStatus(status.asRuntimeException(), "p", "Update"))
          .isInstanceOfSatisfying(
              ProviderException.Unavailable.class,
              e ->
                  assertThat(e.deadlineExceeded())
                      .as("deadline exceeded for %s", status.getCode())
                      .isEqualTo(status.getCode() == Status.Code.DEADLINE_EXCEEDED))
          .hasMessageContaining(status.getCode().name());
    }
  }
}
