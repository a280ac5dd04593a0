package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** External tools the integration tests run: Prometheus's, from the Debian package. */
final class Tools {
  private Tools() {}

  /** An executable on PATH or in /usr/bin; {@code .ci/run} installs the Debian package. */
  static Path executable(String name) {
    String path = System.getenv("PATH");
    for (String d :
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(path == null ? "" : path)
            .toList()) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path usr = Path.of("/usr/bin", name);
    if (Files.isExecutable(usr)) {
      return usr;
    }
    throw new AssertionError(
        name + " is not installed: apt-get install prometheus (.ci/run installs it when missing)");
  }

  /**
   * Runs {@code tool args} in {@code dir} to completion (bounded), asserts that it succeeded and
   * returns its combined output.
   */
  static String run(Path dir, String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(executable(tool).toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s did not finish", command).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", command, output).isZero();
    return output;
  }
}
