package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An acquisition that fails inside the daemon is answered in words, never with a bare Java class
 * name ("acquire failed: NullPointerException"): a state save that failed is UNAVAILABLE with the
 * disk's reason (retrying may work), anything unexpected is INTERNAL with its message or a
 * sentence.
 */
class AcquireFailureWordsTest {
  private final TaskScaler real =
      TaskScaler.builder(new SimulatedInstanceGroup(new ManualClock()))
          .plugin(Settings.defaults(), "{}")
          .maxInstances(1)
          .capacityPerInstance(1)
          .policies(List.of(Policy.of(0)))
          .clock(new ManualClock())
          .manualTicks()
          .build();

  @AfterEach
  void stop() {
    real.shutdown();
  }

  @Test
  void aFailedStateSaveSaysWhyAndThatRetryingMayWork() throws Exception {
    Throwable saveFailed =
        new IllegalStateException(
            "Acquisition[job-1 on sim-000001#0] was not handed out: saving the scaler state failed",
            new CompletionException(
                new UncheckedIOException(new IOException("No space left on device"))));

    Status status = acquireFailingWith(saveFailed);

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription())
        .contains("saving the scaler state failed: No space left on device")
        .contains("retry")
        .doesNotContain("Exception");
  }

  @Test
  void anUnexpectedFailureWithoutAMessageIsASentenceNotAClassName() throws Exception {
    Status status = acquireFailingWith(new NullPointerException());

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription())
        .isEqualTo(
            "acquire failed inside the daemon: an unexpected internal error without a"
                + " description; see its log");
  }

  @Test
  void anUnexpectedFailureWithAMessageSaysIt() throws Exception {
    Status status =
        acquireFailingWith(new CompletionException(new ArithmeticException("integer overflow")));

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription())
        .isEqualTo("acquire failed inside the daemon: integer overflow; see its log");
  }

  @Test
  void wrappersAreSeenThroughToTheirCausesWords() {
    assertThat(
            FleetService.inWords(
                new CompletionException(new UncheckedIOException(new IOException("disk full")))))
        .isEqualTo("disk full");
    assertThat(FleetService.inWords(new RuntimeException(new IllegalStateException())))
        .isEqualTo("an unexpected internal error without a description");
  }

  private Status acquireFailingWith(Throwable failure) throws Exception {
    TaskScaler failing = failingAcquire(real, failure);
    Map<String, TaskScaler> groups = Map.of("g", failing);
    FleetWatch watch = new FleetWatch(groups);
    FleetService service =
        new FleetService(groups, Map.of("g", Duration.ofMinutes(1)), watch, Runnable::run);
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(service.bindService())
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  FleetGrpc.newBlockingStub(channel)
                      .acquire(AcquireRequest.newBuilder().setKey("job-1").build()));
      return e.getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code scaler} with every acquisition failing with {@code failure}. A proxy rather than a class
   * implementing {@link TaskScaler}, so that methods added to the interface need nothing here.
   */
  private static TaskScaler failingAcquire(TaskScaler scaler, Throwable failure) {
    return (TaskScaler)
        Proxy.newProxyInstance(
            TaskScaler.class.getClassLoader(),
            new Class<?>[] {TaskScaler.class},
            (proxy, method, args) -> {
              if (method.getName().equals("acquire")) {
                return CompletableFuture.failedFuture(failure);
              }
              try {
                return method.invoke(scaler, args);
              } catch (InvocationTargetException e) {
                throw java.util.Objects.requireNonNullElse(e.getCause(), e);
              }
            });
  }
}
