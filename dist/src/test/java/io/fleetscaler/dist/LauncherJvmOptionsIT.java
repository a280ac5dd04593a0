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
          printf 'openjdk version "%s" 2025-10-21 LTS\\n' "${FAKE_JAVA_VERSION:-25.0.1}" >&2
          exit 0
        fi
        for a in "$@"; do printf '%s\\n' "$a"; done
        """);
    assertThat(java.toFile().setExecutable(true)).isTrue();
  }

  @Test
  void pluginLaunchersPassTheDaemonsPluginDefaultsThenThePluginOptions() throws Exception {
    List<String> defaults = daemonPluginDefaults("25.0.1");
    for (String launcher : PLUGIN_LAUNCHERS) {
      List<String> args =
          launch(
              launcher,
              Map.of(
                  "FLEETSCALER_PLUGIN_OPTS", "-Xmx64m -XX:MaxMetaspaceSize=128m",
                  "FLEETSCALER_OPTS", "-Xmx999m"));

      assertThat(args).as(launcher).containsSequence(defaults);
      assertThat(args).as(launcher).containsSequence("-Xmx64m", "-XX:MaxMetaspaceSize=128m");
      assertThat(args.indexOf("-XX:MaxMetaspaceSize=128m"))
          .as("%s: the operator's options come after the defaults, so they win", launcher)
          .isGreaterThan(args.indexOf("-XX:MaxMetaspaceSize=256m"));
      assertThat(args)
          .as("%s: the daemon's options are not a plugin's", launcher)
          .doesNotContain("-Xmx999m");
    }
  }

  @Test
  void pluginLaunchersLeaveTheJvmToItsErgonomicsWhenAskedTo() throws Exception {
    for (String launcher : PLUGIN_LAUNCHERS) {
      List<String> args = launch(launcher, Map.of("FLEETSCALER_JVM_DEFAULTS", "none"));

      assertThat(args).as(launcher).doesNotContainAnyElementsOf(daemonPluginDefaults("25.0.1"));
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

  @Test
  void onJava21TheOptionsOfNewerJavasAreLeftOutAsTheDaemonLeavesThemOut() throws Exception {
    for (String version : List.of("21.0.3", "21.0.8")) {
      List<String> plugin = launch("fleeting-plugin-aws", Map.of("FAKE_JAVA_VERSION", version));
      List<String> daemon = launch("fleetscaler", Map.of("FAKE_JAVA_VERSION", version));

      List<String> expected = daemonPluginDefaults(version);
      assertThat(plugin).as(version).containsSequence(expected);
      assertThat(plugin).as(version).doesNotContain("-XX:+UseCompactObjectHeaders");
      assertThat(daemon.contains("-XX:TrimNativeHeapInterval=5000"))
          .as("%s: the daemon trims its native heap where the plugin does", version)
          .isEqualTo(expected.contains("-XX:TrimNativeHeapInterval=5000"));
    }
    assertThat(daemonPluginDefaults("21.0.8")).contains("-XX:TrimNativeHeapInterval=5000");
    assertThat(daemonPluginDefaults("21.0.3")).doesNotContain("-XX:TrimNativeHeapInterval=5000");
  }

  /**
   * {@code PluginJvmOptions.defaults(version)}, the daemon's list (package-private there: the
   * launcher copies it, and this test is what keeps the copy true).
   */
  private static List<String> daemonPluginDefaults(String version)
      throws ReflectiveOperationException {
    Method m =
        Class.forName("io.fleetscaler.daemon.PluginJvmOptions")
            .getDeclaredMethod("defaults", Runtime.Version.class);
    m.setAccessible(true);
    Object list = Objects.requireNonNull(m.invoke(null, Runtime.Version.parse(version)));
    List<String> defaults = new ArrayList<>();
    for (Object o : (List<?>) list) {
      defaults.add((String) o);
    }
    assertThat(defaults).contains("-XX:+UseSerialGC");
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
