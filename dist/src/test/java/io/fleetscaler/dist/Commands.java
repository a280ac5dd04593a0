package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the tools that own the deploy/ formats (tar, podman, systemd-analyze), bounded. */
final class Commands {
  private Commands() {}

  /** A finished command's exit status and combined output. */
  record Result(int status, String output) {}

  /** Runs {@code command} to completion within {@code bound}; fails if it does not finish. */
  static Result run(List<String> command, Duration bound) throws Exception {
    Path out = Files.createTempFile("fleetscaler-dist-cmd", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            command + " did not finish within " + bound + ":\n" + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs {@code command} and asserts that it succeeded; returns its output. */
  static String ok(List<String> command, Duration bound) throws Exception {
    Result r = run(command, bound);
    assertThat(r.status()).as("%s:%n%s", command, r.output()).isZero();
    return r.output();
  }

  /** Unpacks the distribution's tarball (built by this module) into {@code dir}; its home. */
  static Path unpackDistribution(Path dir) throws Exception {
    Path archive = Path.of(System.getProperty("fleetscaler.dist.archive", "missing"));
    assertThat(archive).exists();
    ok(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString()), Duration.ofSeconds(60));
    try (var entries = Files.list(dir)) {
      return entries.findFirst().orElseThrow();
    }
  }

  /** Whether {@code name} is an executable on PATH. */
  static boolean onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "" : path).split(":", -1)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
