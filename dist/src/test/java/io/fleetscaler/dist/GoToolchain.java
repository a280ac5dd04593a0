package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Go go-plugin host and plugin of {@code src/test/go}, built once per test JVM from Debian's
 * packaged Go sources (GOPATH mode, no network) with stubs generated from our {@code .proto}.
 *
 * <p>Without the toolchain the tests fail when {@code CI=true} (CI must run them: {@code .ci/run}
 * installs it) and are skipped with the reason elsewhere.
 */
final class GoToolchain {
  private static final String PACKAGES =
      "golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev"
          + " golang-goprotobuf-dev golang-golang-x-net-dev golang-github-oklog-run-dev"
          + " golang-github-mitchellh-go-testing-interface-dev protobuf-compiler libprotobuf-dev";

  /** Empty until built. */
  private static Path built = Path.of("");

  private GoToolchain() {}

  /** The directory holding {@code gohost} and {@code goplugin}, building them on first use. */
  static synchronized Path binaries() throws IOException, InterruptedException {
    if (!built.toString().isEmpty()) {
      return built;
    }
    requireToolchain();
    Path out = Path.of(property("fleetscaler.go.out")).toAbsolutePath();
    Path script = Path.of(property("fleetscaler.go.sources")).resolve("build.sh");
    Path log = Files.createTempFile("go-build", ".log");
    Process build =
        new ProcessBuilder(
                "sh", script.toString(), property("fleetscaler.plugin.proto"), out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = build.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      build.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    assertThat(exited && build.exitValue() == 0)
        .as("building the Go host and plugin failed:\n%s", output)
        .isTrue();
    built = out;
    return out;
  }

  private static void requireToolchain() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("go", "protoc", "protoc-gen-go")) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    for (String source :
        List.of(
            "/usr/share/gocode/src/github.com/hashicorp/go-plugin",
            "/usr/share/gocode/src/google.golang.org/grpc",
            "/usr/include/google/protobuf/duration.proto")) {
      if (!Files.exists(Path.of(source))) {
        missing.add(source);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String why =
        "the go-plugin interop tests need a Go toolchain and go-plugin's sources; missing "
            + missing
            + ". Install the Debian packages: "
            + PACKAGES
            + " (.ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(why + ". CI=true, so this is a failure, not a skip.");
    }
    Assumptions.abort(why);
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":", -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set (see dist/pom.xml, failsafe)");
    }
    return value;
  }
}
