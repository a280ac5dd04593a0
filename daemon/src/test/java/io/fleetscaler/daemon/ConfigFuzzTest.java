package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the configuration reader through {@code fleetscaler validate}: generated TOML built from
 * the real keys and sections with hostile values and structure (deep nesting, huge numbers, control
 * and bidi characters, invalid UTF-8, NUL bytes, duplicate keys, truncation). Every run must end
 * with exit 0 or 2, print no stack trace or exception name, and allocate a bounded amount of
 * memory. Tries: {@code jqwik.tries.default} (junit-platform.properties keeps CI brief; pass {@code
 * -Djqwik.tries.default=100000} for a long run).
 */
class ConfigFuzzTest {
  /** The most one validate of a file up to the size limit may allocate. */
  static final long MAX_ALLOCATED_BYTES = 1L << 30;

  private static Path dir = Path.of(".");

  @BeforeContainer
  static void makeDir() throws Exception {
    dir = Files.createTempDirectory("config-fuzz");
  }

  @AfterContainer
  static void removeDir() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Property
  void validateEndsWithZeroOrTwoAndNoTrace(@ForAll("files") byte[] content) throws Exception {
    Path f = Files.write(dir.resolve("fuzz.toml"), content);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    HostileInput.Outcome o = HostileInput.cli(List.of("validate", "--config", f.toString()));

    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(o.exit()).as(o.all()).isIn(0, 2);
    o.assertNoTrace();
    assertThat(allocated).as("bytes allocated by one validate").isLessThan(MAX_ALLOCATED_BYTES);
  }

  @Provide
  Arbitrary<byte[]> files() {
    Arbitrary<String> text = Arbitraries.oneOf(groupFile(), hostileStructure());
    return Combinators.combine(text, Arbitraries.integers().between(0, 9))
        .as(
            (t, mutation) -> {
              byte[] b = t.getBytes(StandardCharsets.UTF_8);
              return switch (mutation) {
                case 0 -> truncate(b); // cut anywhere, even inside a UTF-8 sequence
                case 1 -> withByte(b, (byte) 0xC3); // a lone UTF-8 lead byte
                case 2 -> withByte(b, (byte) 0); // a NUL
                default -> b;
              };
            });
  }

  private static byte[] truncate(byte[] b) {
    return java.util.Arrays.copyOf(b, b.length / 2);
  }

  private static byte[] withByte(byte[] b, byte x) {
    byte[] c = java.util.Arrays.copyOf(b, b.length + 1);
    c[b.length / 2 + 1 <= b.length ? b.length / 2 : 0] = x;
    c[b.length] = '\n';
    return c;
  }

  /** A [[group]] with known keys and random values, some policies, maybe a [daemon]. */
  private static Arbitrary<String> groupFile() {
    Arbitrary<String> key =
        Arbitraries.of(
            "name",
            "plugin",
            "capacity_per_instance",
            "max_use_count",
            "max_instances",
            "update_interval",
            "instance_acquire_timeout",
            "delete_instances_on_shutdown",
            "failure_threshold",
            "reservation_throttling",
            "\"max\u200binstances\"",
            "\"a\u202eb\"",
            "unknown_key");
    Arbitrary<String> line = Combinators.combine(key, value()).as((k, v) -> k + " = " + v);
    Arbitrary<String> policy =
        Combinators.combine(
                Arbitraries.of("idle_count", "idle_time", "scale_factor", "periods", "timezone"),
                value())
            .as((k, v) -> "[[group.policy]]\n" + k + " = " + v + "\n");
    Arbitrary<String> daemon =
        Combinators.combine(
                Arbitraries.of(
                    "http_listen", "grpc_listen", "log_format", "plugins_dir", "[daemon.tls]"),
                value())
            .as(
                (k, v) ->
                    k.startsWith("[")
                        ? "[daemon]\n" + k + "\n"
                        : "[daemon]\n" + k + " = " + v + "\n");
    return Combinators.combine(
            daemon.list().ofMaxSize(1),
            line.list().ofMaxSize(12),
            policy.list().ofMaxSize(3),
            Arbitraries.integers().between(1, 3))
        .as(
            (d, lines, policies, groups) -> {
              StringBuilder s = new StringBuilder(String.join("", d));
              for (int g = 0; g < groups; g++) {
                s.append("[[group]]\nname = \"g").append(g).append("\"\nplugin = \"simulated\"\n");
                s.append("max_instances = 2\n");
                lines.forEach(l -> s.append(l).append('\n'));
                policies.forEach(s::append);
              }
              return s.toString();
            });
  }

  /** Values of every TOML type, with edges: huge, negative, empty, control characters, nesting. */
  private static Arbitrary<String> value() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(n -> Long.toString(n)),
        Arbitraries.of(
            "0",
            "-1",
            "9223372036854775807",
            "99999999999999999999999",
            "1e309",
            "nan",
            "inf",
            "true",
            "\"\"",
            "\"1m\"",
            "\"0s\"",
            "\"9999999999h\"",
            "\"0.5s\"",
            "\"-5m\"",
            "\"* * * * *\"",
            "[\"61 * * * *\"]",
            "\"Mars/Olympus\"",
            "\"0.0.0.0:0\"",
            "\"127.0.0.1:99999\"",
            "\"a\\u0000b\"",
            "\"line\\nINFO forged\"",
            "\"\\u202e\"",
            "{}",
            "[]",
            "{ a = { b = { c = 1 } } }",
            "1979-05-27T07:32:00Z"),
        Arbitraries.strings().ofMaxLength(40).map(ConfigFuzzTest::quote),
        Arbitraries.integers().between(1, 60).map(n -> "[".repeat(n) + "]".repeat(n)),
        Arbitraries.integers().between(1, 60).map(n -> "{a = ".repeat(n) + "1" + "}".repeat(n)));
  }

  /** Structure the grammar allows or almost allows: deep dotted keys, headers, repeats. */
  private static Arbitrary<String> hostileStructure() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 3000).map(n -> "a" + ".a".repeat(n) + " = 1\n"),
        Arbitraries.integers().between(1, 3000).map(n -> "[a" + ".a".repeat(n) + "]\n"),
        Arbitraries.integers().between(1, 3000).map(n -> "x = " + "[".repeat(n) + "\n"),
        Arbitraries.integers().between(1, 2000).map(n -> "[[group]]\n".repeat(n)),
        Arbitraries.integers().between(1, 2000).map(n -> "k = 1\n".repeat(n)),
        Arbitraries.strings().ofMaxLength(400),
        Arbitraries.strings().withChars("[]{}=\".,'#\n ab1").ofMaxLength(400));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
              } else if (c < 0x20 || c == 0x7f || (c >= 0xD800 && c <= 0xDFFF)) {
                b.append(String.format("\\u%04X", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.append('"').toString();
  }
}
