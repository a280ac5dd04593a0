package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the unpacked distribution's launchers pass, read from a stand-in {@code java} (a
 * Java 25 by its {@code -version}) that prints its arguments: a plugin launcher started by a Go
 * go-plugin host gets the same plugin JVM defaults as a plugin JVM the daemon starts itself, and
 * the same variable overrides them.
 */
class LauncherJvmOptionsIT {
  private static final List<String> PLUGIN_LAUNCHERS =
      List.of(
          "fleeting-plugin-static",
          "fleeting-plugin-aws",
          "fleeting-plugin-googlecloud",
          "fleeting-plugin-googlecompute",
          "fleeting-plugin-azure",
          "fleeting-plugin-simulated");

  @TempDir static Path dir;
  private static Path home = Path.of("unset");
  private static Path javaHome = Path.of("unset");

  @BeforeAll
  static void unpack() throws Exception {
    home = Commands.unpackDistribution(Files.createDirectories(dir.resolve("dist")));
    javaHome = dir.resolve("jdk");
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Files.writeString(
        java,
        """
        #!/bin/sh
        if [ "$1" = -version ]; then
          echo 'openjdk version "25.0.1" 2025-10-21 LTS' >&2
          exit 0
        fi
        for a in "$@"; do printf '%s\\n' "$a"; done
        """);
    assertThat(java.toFile().setExecutable(true)).isTrue();
  }

  @Test
  void pluginLaunchersPassTheDaemonsPluginDefaultsThenThePluginOptions() throws Exception {
    List<String> defaults = daemonPluginDefaults();
    for (String launcher : PLUGIN_LAUNCHERS) {
      List<String> args =
          launch(
              launcher,
              Map.of(
                  "FLEETSCALER_PLUGIN_OPTS", "-Xmx64m -XX:TieredStopAtLevel=4",
                  "FLEETSCALER_OPTS", "-Xmx999m"));

      assertThat(args).as(launcher).containsSequence(defaults);
      assertThat(args).as(launcher).containsSequence("-Xmx64m", "-XX:TieredStopAtLevel=4");
      assertThat(args.lastIndexOf("-XX:TieredStopAtLevel=4"))
          .as("%s: the operator's options come after the defaults, so they win", launcher)
          .isGreaterThan(args.indexOf("-XX:TieredStopAtLevel=1"));
      assertThat(args)
          .as("%s: the daemon's options are not a plugin's", launcher)
          .doesNotContain("-Xmx999m");
    }
  }

  @Test
  void pluginLaunchersLeaveTheJvmToItsErgonomicsWhenAskedTo() throws Exception {
    for (String launcher : PLUGIN_LAUNCHERS) {
      List<String> args = launch(launcher, Map.of("FLEETSCALER_JVM_DEFAULTS", "none"));

      assertThat(args).as(launcher).doesNotContainAnyElementsOf(daemonPluginDefaults());
    }
  }

  @Test
  void theDaemonLauncherKeepsItsOwnDefaultsAndOptions() throws Exception {
    List<String> args =
        launch(
            "fleetscaler",
            Map.of("FLEETSCALER_OPTS", "-Xmx999m", "FLEETSCALER_PLUGIN_OPTS", "-Xmx64m"));

    assertThat(args)
        .containsSequence("-XX:+UseSerialGC", "-Xms16m")
        .contains("-XX:TrimNativeHeapInterval=5000", "-XX:+UseCompactObjectHeaders", "-Xmx999m");
    assertThat(args).doesNotContain("-Xmx64m", "-XX:TieredStopAtLevel=1");
  }

  /**
   * {@code PluginJvmOptions.defaults(25)}, the daemon's list for the stand-in's Java 25
   * (package-private there: the launcher copies it, and this test is what keeps the copy true).
   */
  private static List<String> daemonPluginDefaults() throws ReflectiveOperationException {
    Method m =
        Class.forName("io.fleetscaler.daemon.PluginJvmOptions")
            .getDeclaredMethod("defaults", int.class);
    m.setAccessible(true);
    List<String> defaults = new ArrayList<>();
    for (Object o : (List<?>) Objects.requireNonNull(m.invoke(null, 25))) {
      defaults.add((String) o);
    }
    assertThat(defaults).contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders");
    return defaults;
  }

  /** The arguments {@code bin/launcher} gives {@code java}, with {@code env} added. */
  private static List<String> launch(String launcher, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    all.put("JAVA_HOME", javaHome.toString());
    ProcessBuilder builder =
        new ProcessBuilder(home.resolve("bin").resolve(launcher).toString(), "--x")
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(all);
    Process p = builder.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(launcher).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s:%n%s", launcher, text).isZero();
    List<String> args = text.lines().toList();
    assertThat(args).as(text).endsWith("--x");
    return args;
  }
}
