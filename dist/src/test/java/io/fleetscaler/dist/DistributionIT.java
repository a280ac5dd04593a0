package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary distribution as an operator installs it: the tarball unpacked with {@code tar},
 * launchers run by {@code /bin/sh} with the machine's default Java (17 here, below the floor) first
 * on PATH, the plugin executables launched by the plugin host exactly as the daemon launches an
 * external plugin.
 */
class DistributionIT {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir static Path unpacked;
  private static Path home = Path.of("unset");

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("fleetscaler.dist.archive", "missing"));
    assertThat(archive).exists();
    Result tar =
        run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), Map.of());
    assertThat(tar.status()).as(tar.output()).isZero();
    try (var entries = Files.list(unpacked)) {
      home = entries.findFirst().orElseThrow();
    }
  }

  @Test
  void shipsExecutableLaunchersOverOneJar() throws IOException {
    for (String launcher :
        List.of(
            "fleetscaler",
            "fleeting-plugin-static",
            "fleeting-plugin-aws",
            "fleeting-plugin-googlecloud",
            "fleeting-plugin-googlecompute",
            "fleeting-plugin-azure",
            "fleeting-plugin-simulated")) {
      Path file = home.resolve("bin").resolve(launcher);
      assertThat(Files.getPosixFilePermissions(file))
          .as(launcher)
          .contains(
              PosixFilePermission.OWNER_EXECUTE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE);
    }
    assertThat(home.resolve("lib/fleetscaler.jar")).isRegularFile();
    assertThat(home.resolve("lib/select-jdk.sh")).isRegularFile();
    assertThat(home.resolve("docs/README.md")).isRegularFile();
  }

  @Test
  void daemonLauncherFindsAJava21OrNewerWhenThePathHasAnOlderOne() throws Exception {
    Result help = run(List.of(home.resolve("bin/fleetscaler").toString(), "--help"), plainEnv());

    assertThat(help.status()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: fleetscaler").contains("run");
  }

  @Test
  void launcherWorksThroughASymbolicLink(@TempDir Path elsewhere) throws Exception {
    Path link = elsewhere.resolve("fleetscaler");
    Files.createSymbolicLink(link, home.resolve("bin/fleetscaler"));

    Result help = run(List.of(link.toString(), "--help"), plainEnv());

    assertThat(help.status()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: fleetscaler");
  }

  @Test
  void launcherPassesOverAJavaHomeThatIsTooOld(@TempDir Path fakeJavaHome) throws Exception {
    // An installation that reports Java 17: the launcher must not run the daemon on it but find
    // the newest Java 21+ installation itself (this machine has Temurin 25 under /usr/lib/jvm).
    Path bin = Files.createDirectories(fakeJavaHome.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(
        java, "#!/bin/sh\necho 'openjdk version \"17.0.9\" 2023-10-17' >&2\nexit 3\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Map<String, String> env = new HashMap<>(plainEnv());
    env.put("JAVA_HOME", fakeJavaHome.toString());
    env.put("MVNW_VERBOSE", "true");

    Result result = run(List.of(home.resolve("bin/fleetscaler").toString(), "--help"), env);

    assertThat(result.status()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("JAVA_HOME=" + fakeJavaHome + " is Java 17; using Java")
        .contains("Usage: fleetscaler");
  }

  @Test
  void simulatedPluginExecutableServesTheHostOverMutualTls() throws Exception {
    PluginLaunchSpec spec =
        PluginLaunchSpec.of(
                "simulated", List.of(home.resolve("bin/fleeting-plugin-simulated").toString()))
            .withEnvironment(plainEnv())
            .withStartTimeout(BOUND);
    try (PluginClient client = PluginProcess.launch(spec)) {
      client.init(Settings.defaults(), "{\"create_latency\":\"0s\",\"delete_latency\":\"0s\"}");
      assertThat(client.increase(2)).isEqualTo(2);
      List<InstanceStatus> instances =
          awaitInstances(
              client,
              list ->
                  list.size() == 2
                      && list.stream().allMatch(i -> i.state() == InstanceState.RUNNING));
      assertThat(instances).extracting(InstanceStatus::state).containsOnly(InstanceState.RUNNING);
    }
  }

  @Test
  void staticPluginExecutableReportsAnUnreachableHost() throws Exception {
    PluginLaunchSpec spec =
        PluginLaunchSpec.of(
                "static", List.of(home.resolve("bin/fleeting-plugin-static").toString()))
            .withEnvironment(plainEnv())
            .withStartTimeout(BOUND);
    try (PluginClient client = PluginProcess.launch(spec)) {
      // Port 1 on loopback: nothing listens there, so the probe finds the host dead.
      client.init(
          Settings.defaults(),
          "{\"instances\":{\"gone\":{\"external_addr\":\"127.0.0.1:1\",\"username\":\"ci\","
              + "\"password\":\"unused\"}}}");
      // A dead host is never handed out: the plugin grants none of it.
      assertThat(client.increase(1)).isZero();
      assertThat(client.update()).doesNotContain(new InstanceStatus("gone", InstanceState.RUNNING));
    }
  }

  @Test
  void awsPluginExecutableRejectsAConfigWithoutItsGroupName() throws Exception {
    PluginLaunchSpec spec =
        PluginLaunchSpec.of("aws", List.of(home.resolve("bin/fleeting-plugin-aws").toString()))
            .withEnvironment(plainEnv())
            .withStartTimeout(BOUND);
    try (PluginClient client = PluginProcess.launch(spec)) {
      assertThatThrownBy(() -> client.init(Settings.defaults(), "{\"region\":\"us-east-1\"}"))
          .isInstanceOf(ProviderException.InvalidConfig.class)
          .hasMessageContaining("name");
    }
  }

  @Test
  void googlePluginExecutablesRejectAConfigWithoutItsGroupName() throws Exception {
    for (String name : List.of("googlecloud", "googlecompute")) {
      PluginLaunchSpec spec =
          PluginLaunchSpec.of(name, List.of(home.resolve("bin/fleeting-plugin-" + name).toString()))
              .withEnvironment(plainEnv())
              .withStartTimeout(BOUND);
      try (PluginClient client = PluginProcess.launch(spec)) {
        assertThatThrownBy(
                () ->
                    client.init(
                        Settings.defaults(),
                        "{\"project\":\"my-project\",\"zone\":\"us-east1-b\"}"))
            .isInstanceOf(ProviderException.InvalidConfig.class)
            .hasMessageContaining("name: required");
      }
    }
  }

  @Test
  void theGoogleSdkShipsApartFromTheDaemonsJar() throws IOException {
    try (var jar = new java.util.zip.ZipFile(home.resolve("lib/fleetscaler.jar").toFile())) {
      assertThat(jar.stream().map(java.util.zip.ZipEntry::getName))
          .noneMatch(n -> n.startsWith("com/google/cloud/compute/"))
          .noneMatch(n -> n.startsWith("io/fleetscaler/plugin/gcp/"));
    }
    try (var jars = Files.list(home.resolve("lib/gcp"))) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("fleetscaler-plugin-gcp-"))
          .anyMatch(n -> n.startsWith("google-cloud-compute-"))
          .noneMatch(n -> n.startsWith("protobuf-java-4"))
          .noneMatch(n -> n.startsWith("grpc-"));
    }
  }

  private static List<InstanceStatus> awaitInstances(
      PluginClient client, Predicate<List<InstanceStatus>> done) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      List<InstanceStatus> instances = new ArrayList<>(client.update());
      if (done.test(instances) || System.nanoTime() > deadline) {
        return instances;
      }
      Thread.sleep(100);
    }
  }

  /**
   * The environment of a login shell on a machine whose default Java is older than 21: no
   * JAVA_HOME, the system's PATH (where {@code java} is 17 on this kind of machine).
   */
  private static Map<String, String> plainEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", System.getProperty("user.home"));
    return env;
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
