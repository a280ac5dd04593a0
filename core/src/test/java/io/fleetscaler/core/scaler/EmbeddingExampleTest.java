package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The example of docs/embedding.md, compiled and run with the real scheduler. */
class EmbeddingExampleTest {

  @Test
  void embeddingExampleRuns() throws Exception {
    // --- begin example (kept identical to docs/embedding.md) ---
    InstanceGroup cloud = new SimulatedInstanceGroup(InstantSource.system());
    try (TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), "{\"create_latency\": \"0s\"}")
            .capacityPerInstance(2)
            .maxInstances(10)
            .updateIntervalWhenExpecting(Duration.ofMillis(100))
            .policies(List.of(Policy.of(0)))
            .build()) {
      ReserveResult reserved = scaler.reserve("job-42"); // before asking GitLab for a job
      Acquisition slot = scaler.acquire("job-42", Duration.ofMinutes(15)).get(30, TimeUnit.SECONDS);
      ConnectInfo where = slot.connectInfo(); // fresh from the plugin
      slot.cancellation().thenAccept(cause -> System.err.println("job aborted: " + cause));
      System.out.println("running job-42 on " + where.dialAddress(false));
      scaler.release("job-42");
      // --- end example ---
      assertThat(reserved).isEqualTo(ReserveResult.ACCEPTED_PENDING);
      assertThat(where.id()).isEqualTo(slot.instanceId());
      assertThat(scaler.snapshot().slots().acquired()).isZero();
    }
  }

  @Test
  void documentationShowsTheSameCode() throws Exception {
    List<String> source =
        Files.readAllLines(
            Path.of("src/test/java/io/fleetscaler/core/scaler/EmbeddingExampleTest.java"));
    int begin = indexOf(source, "begin example");
    int end = indexOf(source, "end example");
    String doc = Files.readString(Path.of("../docs/embedding.md"));
    for (String line : source.subList(begin + 1, end)) {
      assertThat(doc).contains(line.strip());
    }
  }

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i;
      }
    }
    throw new AssertionError("marker not found: " + marker);
  }
}
