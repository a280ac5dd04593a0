package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;

/** Fixtures and the in-process CLI runner shared by the hostile-input corpora and fuzz tests. */
final class HostileInput {
  private HostileInput() {}

  /** What one CLI run printed and returned. */
  record Outcome(int exit, String out, String err) {
    String all() {
      return out + err;
    }

    /** No stack trace and no bare exception class name: every refusal is said in words. */
    void assertNoTrace() {
      assertThat(all())
          .as("output of a refused input")
          .doesNotContain("\tat ")
          .doesNotContain("Exception")
          .doesNotContain("StackOverflowError")
          .doesNotContain("OutOfMemoryError");
    }
  }

  /** Runs {@code fleetscaler args...} in this JVM. */
  static Outcome cli(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args.toArray(String[]::new));
    return new Outcome(exit, out.toString(), err.toString());
  }

  /**
   * A directory of the files the corpora refer to as {@code @DIR@}: a certificate and key that are
   * not PEM, token files (open to others, empty, private), a world-writable directory and a plugin
   * executable that exits at once.
   */
  static Path fixtures(Path dir) throws IOException {
    Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n");
    Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nx\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path open = Files.writeString(dir.resolve("token-open"), "s3cret-token\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path empty = Files.writeString(dir.resolve("token-empty"), "\n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    Path ww = Files.createDirectories(dir.resolve("ww"));
    Files.setPosixFilePermissions(ww, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path exits = Files.writeString(dir.resolve("exits-at-once"), "#!/bin/sh\nexit 3\n");
    Files.setPosixFilePermissions(exits, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(Objects.requireNonNull(HostileInput.class.getResource(name), name).toURI());
  }

  /** One line of an {@code *-args.tsv} corpus. */
  record ArgsCase(int exit, String says, List<String> args) {
    @Override
    public String toString() {
      return String.join(" ", args);
    }
  }

  static List<ArgsCase> argsCorpus(String name, Path dir) throws IOException, URISyntaxException {
    List<ArgsCase> cases = new ArrayList<>();
    for (String line : Files.readAllLines(resource(name))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.replace("@DIR@", dir.toString()).split("\t", 3);
      List<String> args = new ArrayList<>();
      for (String a : cols[2].split(" ", -1)) {
        args.add(a.equals("''") ? "" : a);
      }
      cases.add(new ArgsCase(Integer.parseInt(cols[0]), cols[1], args));
    }
    return cases;
  }
}
