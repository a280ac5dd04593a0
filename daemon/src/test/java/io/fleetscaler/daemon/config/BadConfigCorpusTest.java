package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code config/bad/} fails to load with exactly the errors its {@code # expect:
 * LINE: KEY: MESSAGE} header lines list, in that order: all of them at once, each with its line and
 * key path.
 */
class BadConfigCorpusTest {

  static Stream<Path> badFiles() throws IOException, URISyntaxException {
    Path dir =
        Path.of(
            Objects.requireNonNull(BadConfigCorpusTest.class.getResource("/config/bad")).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".toml")).sorted().toList().stream();
    }
  }

  @Test
  void theCorpusIsThere() throws Exception {
    assertThat(badFiles()).hasSizeGreaterThanOrEqualTo(14);
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void reportsEveryExpectedErrorWithLineAndKey(Path file) throws IOException {
    List<Expected> expected = expectations(file);
    assertThat(expected).as("%s has # expect: lines", file).isNotEmpty();

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> new ConfigLoader("").load(file, w -> {}));

    assertThat(e).as("%s must not load", file.getFileName()).isNotNull();
    List<String> actual = e.errors().stream().map(BadConfigCorpusTest::render).toList();
    assertThat(actual).as("errors of %s", file.getFileName()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      ConfigError error = e.errors().get(i);
      Expected want = expected.get(i);
      assertThat(error.line()).as("line of %s", render(error)).isEqualTo(want.line());
      assertThat(error.key()).as("key of %s", render(error)).isEqualTo(want.key());
      assertThat(error.message()).as("message of %s", render(error)).contains(want.message());
      assertThat(error.file()).isEqualTo(file);
      assertThat(error.toString())
          .startsWith(want.line() > 0 ? file + ":" + want.line() + ": " : file + ": ");
    }
    assertThat(e.getMessage())
        .contains(expected.size() + (expected.size() == 1 ? " error" : " errors"));
  }

  @Test
  void secretsNeverAppearInMessages() throws Exception {
    Path file = Files.createTempFile("secret", ".toml");
    Files.writeString(
        file,
        """
        [[runners]]
        name = "r"
        token = 12345
        [runners.autoscaler]
        plugin = "simulated"
        max_instances = 1
        [runners.autoscaler.connector_config]
        password = 987654321
        """);
    List<ConfigError> warnings = new ArrayList<>();
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> new ConfigLoader("").load(file, warnings::add));
    assertThat(e.getMessage())
        .contains("connector_config.password: expected a string")
        .doesNotContain("987654321");
    assertThat(warnings.toString()).contains("runners[0].token").doesNotContain("12345");
  }

  private static String render(ConfigError e) {
    return e.line() + ": " + e.key() + ": " + e.message();
  }

  record Expected(int line, String key, String message) {}

  private static List<Expected> expectations(Path file) throws IOException {
    List<Expected> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.startsWith("# expect: ")) {
        continue;
      }
      String rest = line.substring("# expect: ".length());
      int first = rest.indexOf(": ");
      int second = rest.indexOf(": ", first + 2);
      out.add(
          new Expected(
              Integer.parseInt(rest.substring(0, first)),
              rest.substring(first + 2, second),
              rest.substring(second + 2)));
    }
    return out;
  }
}
