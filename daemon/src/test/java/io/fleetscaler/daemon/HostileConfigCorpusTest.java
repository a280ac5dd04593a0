package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-configuration corpus: every file under {@code hostile/config/} (its {@code # exit:},
 * {@code # says:} and optional {@code # args:} header lines give the verdict), every command line
 * of {@code hostile/run-args.tsv} and {@code hostile/validate-args.tsv}, and the inputs that cannot
 * be kept as files (oversized, endless, binary, nested 1000 deep). Each ends with its exit status
 * and message, no stack trace, and, for {@code run}, nothing started: no child process and no
 * scaling line.
 */
class HostileConfigCorpusTest {
  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() throws IOException {
    HostileInput.fixtures(dir);
  }

  record FileCase(Path file, int exit, String says, List<String> extraArgs) {
    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  /**
   * The cases {@code run} must refuse as {@code validate} does: not those that pass, nor those that
   * need {@code validate --plugins} (which starts plugins to ask them).
   */
  static Stream<FileCase> refusedByRun() throws IOException, URISyntaxException {
    return corpus().filter(c -> c.exit() == 2 && c.extraArgs().isEmpty());
  }

  static Stream<FileCase> corpus() throws IOException, URISyntaxException {
    Path src = HostileInput.resource("/hostile/config");
    List<FileCase> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.sorted().toList()) {
        String text = Files.readString(f).replace("@DIR@", dir.toString());
        Path copy = Files.writeString(dir.resolve(f.getFileName()), text);
        int exit = -1;
        String says = "";
        List<String> extra = List.of();
        for (String line : text.lines().toList()) {
          if (line.startsWith("# exit: ")) {
            exit = Integer.parseInt(line.substring(8));
          } else if (line.startsWith("# says: ")) {
            says = line.substring(8);
          } else if (line.startsWith("# args: ")) {
            extra = List.of(line.substring(8).split(" ", -1));
          }
        }
        cases.add(new FileCase(copy, exit, says, extra));
      }
    }
    return cases.stream();
  }

  @Test
  void theCorporaAreThere() throws Exception {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(14);
    assertThat(HostileInput.argsCorpus("/hostile/run-args.tsv", dir)).hasSizeGreaterThan(20);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void validateGivesTheExpectedVerdict(FileCase c) {
    List<String> args = new ArrayList<>(List.of("validate", "--config", c.file().toString()));
    args.addAll(c.extraArgs());

    HostileInput.Outcome o = HostileInput.cli(args);

    assertThat(o.exit()).as(o.all()).isEqualTo(c.exit());
    assertThat(o.all()).contains(c.says());
    o.assertNoTrace();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByRun")
  void runRefusesWhatValidateRefusesBeforeStartingAnything(FileCase c) {
    long childrenBefore = ProcessHandle.current().children().count();

    HostileInput.Outcome o = HostileInput.cli(List.of("run", "--config", c.file().toString()));

    assertThat(o.exit()).as(o.all()).isEqualTo(2);
    assertThat(o.all()).contains(c.says()).contains("nothing started").doesNotContain("scaling");
    o.assertNoTrace();
    assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
  }

  static Stream<HostileInput.ArgsCase> runArgs() throws Exception {
    return HostileInput.argsCorpus("/hostile/run-args.tsv", dir).stream();
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runArgs")
  void runRefusesEveryBadOptionBeforeStartingAnything(HostileInput.ArgsCase c) {
    long childrenBefore = ProcessHandle.current().children().count();
    List<String> args = new ArrayList<>(List.of("run", "--http-listen", "127.0.0.1:0"));
    if (!c.args().contains("--grpc-listen")) {
      args.addAll(List.of("--grpc-listen", "127.0.0.1:0"));
    }
    if (c.args().contains("--http-listen")) {
      args = new ArrayList<>(List.of("run"));
    }
    args.addAll(c.args());

    HostileInput.Outcome o = HostileInput.cli(args);

    assertThat(o.exit()).as(o.all()).isEqualTo(c.exit());
    assertThat(o.all()).contains(c.says()).doesNotContain("scaling");
    o.assertNoTrace();
    assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
  }

  static Stream<HostileInput.ArgsCase> validateArgs() throws Exception {
    return HostileInput.argsCorpus("/hostile/validate-args.tsv", dir).stream();
  }

  @ParameterizedTest(name = "validate {0}")
  @MethodSource("validateArgs")
  void validateRefusesBadCommandLines(HostileInput.ArgsCase c) {
    List<String> args = new ArrayList<>(List.of("validate"));
    args.addAll(c.args());

    HostileInput.Outcome o = HostileInput.cli(args);

    assertThat(o.exit()).as(o.all()).isEqualTo(c.exit());
    assertThat(o.all()).contains(c.says());
    o.assertNoTrace();
  }

  static Stream<Arguments> generated() {
    return Stream.of(
        Arguments.of("10 MB", "too large: more than 1024 KiB is the limit"),
        Arguments.of("50 MB", "too large: more than 1024 KiB is the limit"),
        Arguments.of("inline tables 1000 deep", "tables and arrays nested more than 32 deep"),
        Arguments.of("arrays 1000 deep", "tables and arrays nested more than 32 deep"),
        Arguments.of("dotted key 5000 deep", "tables nested more than 32 deep"),
        Arguments.of("table header 5000 deep", "tables nested more than 32 deep"),
        Arguments.of("binary", "binary data (a NUL byte at offset 8)"),
        Arguments.of("Latin-1", "not UTF-8 text"),
        Arguments.of("FIFO", "not a regular file (a pipe, socket or device)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generated")
  void generatedInputsAreRefusedInWords(String what, String says) throws Exception {
    Path f = dir.resolve(what.replace(' ', '-') + ".toml");
    Files.deleteIfExists(f);
    switch (what) {
      case "10 MB" -> Files.writeString(f, validLines(10 << 20));
      case "50 MB" -> {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
          r.setLength(50L << 20);
        }
      }
      case "inline tables 1000 deep" ->
          Files.writeString(f, "x = " + "{a = ".repeat(1000) + "1" + "}".repeat(1000) + "\n");
      case "arrays 1000 deep" ->
          Files.writeString(f, "x = " + "[".repeat(1000) + "]".repeat(1000) + "\n");
      case "dotted key 5000 deep" -> Files.writeString(f, "a" + ".a".repeat(5000) + " = 1\n");
      case "table header 5000 deep" -> Files.writeString(f, "[a" + ".a".repeat(5000) + "]\n");
      case "binary" ->
          Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
      case "Latin-1" -> Files.write(f, "name = \"Müller\"\n".getBytes(StandardCharsets.ISO_8859_1));
      case "FIFO" -> {
        Process p = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      default -> throw new IllegalArgumentException(what);
    }
    for (String command : List.of("validate", "run")) {
      HostileInput.Outcome o = HostileInput.cli(List.of(command, "--config", f.toString()));

      assertThat(o.exit()).as(o.all()).isEqualTo(2);
      assertThat(o.all()).contains(says);
      o.assertNoTrace();
    }
  }

  /**
   * A file its reader may not open. Root reads every file through its {@code CAP_DAC_OVERRIDE} and
   * {@code CAP_DAC_READ_SEARCH}, so as root (CI) the check runs in a child JVM started by {@code
   * setpriv} with both capabilities dropped from its bounding set: still uid 0 (so it reads its
   * class path, owned by root), but held to the file's mode bits like anyone else.
   */
  @Test
  void anUnreadableFileIsSaidInWords() throws Exception {
    Path f = Files.writeString(dir.resolve("unreadable.toml"), "x = 1\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    List<String> args = List.of("validate", "--config", f.toString());

    HostileInput.Outcome o =
        "root".equals(System.getProperty("user.name"))
            ? withoutReadOverride(args)
            : HostileInput.cli(args);

    assertThat(o.exit()).as(o.all()).isEqualTo(2);
    assertThat(o.err()).contains("permission denied");
    o.assertNoTrace();
  }

  /** Runs the CLI in a child JVM that lacks root's right to read any file. */
  private static HostileInput.Outcome withoutReadOverride(List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                "--inh-caps=-dac_override,-dac_read_search",
                "--",
                ProcessHandle.current().info().command().orElseThrow()));
    command.addAll(Main.childJvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    Path out = Files.createTempFile(dir, "unreadable", ".out");
    Path err = Files.createTempFile(dir, "unreadable", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the CLI did not finish in 120 s: " + Files.readString(err));
    }
    return new HostileInput.Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String validLines(int bytes) {
    StringBuilder s = new StringBuilder(bytes + 64);
    int i = 0;
    while (s.length() < bytes) {
      s.append("k").append(i++).append(" = \"").append("x".repeat(40)).append("\"\n");
    }
    return s.toString();
  }

  @Test
  void statusNamesItsOwnOptionForABadAddress() {
    HostileInput.Outcome o = HostileInput.cli(List.of("status", "--address", "nonsense"));

    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--address: expected host:port, got 'nonsense'");
    assertThat(o.err()).doesNotContain("grpc_listen");
    o.assertNoTrace();
  }
}
