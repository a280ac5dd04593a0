package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedder does with the BOM, offline: a consumer project that imports {@code
 * fleetscaler-bom} and declares the library modules without versions is built by Maven (this
 * repository's wrapper) against the reactor's own jars, placed in a scratch local repository that
 * chains to the build's one ({@code maven.repo.local.tail}) for third-party artifacts. Nothing is
 * installed into the shared local repository and nothing is downloaded. Each library jar's {@code
 * Automatic-Module-Name} is read as the JVM reads it ({@link ModuleFinder}).
 *
 * <p>The consumer takes the Fleetscaler artifacts without their third-party dependencies
 * (exclusions): the BOM manages Fleetscaler's versions only, so an embedder's build resolves those
 * with its own dependency management, and offline only what this build resolved is at hand (a first
 * version resolved slf4j-api 2.0.7 through cron-utils, which the parent POM converges away).
 */
class BomConsumerIT {
  private static final Duration BOUND = Duration.ofMinutes(5);

  /** Module directory, artifactId suffix and expected module name, for every library jar. */
  private static final Map<String, String> LIBRARIES = libraries();

  private static Map<String, String> libraries() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("proto", "io.fleetscaler.proto");
    m.put("plugin-api", "io.fleetscaler.plugin.api");
    m.put("plugin-sdk", "io.fleetscaler.plugin.sdk");
    m.put("plugin-tck", "io.fleetscaler.plugin.tck");
    m.put("plugin-simulated", "io.fleetscaler.plugin.simulated");
    m.put("core", "io.fleetscaler.core");
    m.put("simulator", "io.fleetscaler.simulator");
    m.put("plugin-static", "io.fleetscaler.plugin.statichosts");
    m.put("plugin-aws", "io.fleetscaler.plugin.aws");
    m.put("plugin-gcp", "io.fleetscaler.plugin.gcp");
    m.put("plugin-azure", "io.fleetscaler.plugin.azure");
    return m;
  }

  @TempDir Path work;

  private static Path root() {
    return Path.of(System.getProperty("fleetscaler.root", "..")).toAbsolutePath().normalize();
  }

  private static String version() {
    return System.getProperty("fleetscaler.version", "0.1.0-SNAPSHOT");
  }

  private static Path jar(String module) {
    return root()
        .resolve(module)
        .resolve("target")
        .resolve("fleetscaler-" + module + "-" + version() + ".jar");
  }

  @Test
  void everyLibraryJarHasItsAutomaticModuleName() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
      Path jar = jar(e.getKey());
      assertThat(jar).as("built by the reactor").exists();
      try (JarFile f = new JarFile(jar.toFile())) {
        String declared = f.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        if (!e.getValue().equals(declared)) {
          wrong.add(jar.getFileName() + ": Automatic-Module-Name " + declared);
        }
      }
      // The name the module system derives, as an embedder's module-info sees it.
      List<String> names =
          ModuleFinder.of(jar).findAll().stream()
              .map(ModuleReference::descriptor)
              .map(d -> d.name() + (d.isAutomatic() ? "" : " (not automatic)"))
              .toList();
      if (!names.equals(List.of(e.getValue()))) {
        wrong.add(jar.getFileName() + ": module path name " + names);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aConsumerImportingTheBomBuildsOffline() throws Exception {
    Path repo = work.resolve("repository");
    String v = version();
    install(repo, "fleetscaler-parent", root().resolve("pom.xml"));
    install(repo, "fleetscaler-bom", root().resolve("bom/pom.xml"));
    for (String module : LIBRARIES.keySet()) {
      install(
          repo, "fleetscaler-" + module, root().resolve(module).resolve("pom.xml"), jar(module));
    }
    Path consumer = work.resolve("consumer");
    Path source = consumer.resolve("src/main/java/example/Embedder.java");
    Files.createDirectories(source.getParent());
    Files.writeString(consumer.resolve("pom.xml"), consumerPom(v));
    Files.writeString(
        source,
        """
        package example;

        import io.fleetscaler.core.scaler.TaskScaler;
        import io.fleetscaler.plugin.api.InstanceGroup;
        import io.fleetscaler.plugin.sdk.PluginClient;
        import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
        import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
        import java.util.List;

        /** Names one public type of each library an embedder programs against. */
        public class Embedder {
          static final List<Class<?>> USED =
              List.of(
                  TaskScaler.class,
                  InstanceGroup.class,
                  PluginClient.class,
                  SimulatedInstanceGroup.class,
                  InstanceGroupConformanceKit.class);
        }
        """);
    Path m2 =
        Path.of(
            System.getProperty(
                "fleetscaler.m2", System.getProperty("user.home") + "/.m2/repository"));
    List<String> command =
        List.of(
            root().resolve("mvnw").toString(),
            "-B",
            "-ntp",
            "-o",
            "-f",
            consumer.resolve("pom.xml").toString(),
            "-Dmaven.repo.local=" + repo,
            "-Dmaven.repo.local.tail=" + m2,
            "compile");
    Commands.Result built = Commands.run(command, BOUND);
    assertThat(built.status()).as(built.output()).isZero();
    assertThat(consumer.resolve("target/classes/example/Embedder.class")).exists();
  }

  /** Places a pom where a local repository has it, as {@code install} would. */
  private static void install(Path repo, String artifactId, Path pom) throws IOException {
    Files.createDirectories(artifactDir(repo, artifactId));
    Files.copy(pom, artifactDir(repo, artifactId).resolve(artifactId + "-" + version() + ".pom"));
  }

  /** Places a pom and its jar where a local repository has them. */
  private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
    install(repo, artifactId, pom);
    Files.copy(jar, artifactDir(repo, artifactId).resolve(artifactId + "-" + version() + ".jar"));
  }

  private static Path artifactDir(Path repo, String artifactId) {
    return repo.resolve("io/fleetscaler").resolve(artifactId).resolve(version());
  }

  private static String consumerPom(String version) throws IOException {
    StringBuilder deps = new StringBuilder();
    for (String module : LIBRARIES.keySet()) {
      deps.append(
          """
              <dependency>
                <groupId>io.fleetscaler</groupId>
                <artifactId>fleetscaler-%s</artifactId>
                <exclusions>
                  <exclusion>
                    <groupId>*</groupId>
                    <artifactId>*</artifactId>
                  </exclusion>
                </exclusions>
              </dependency>
          """
              .formatted(module));
    }
    String parent = Files.readString(root().resolve("pom.xml"), StandardCharsets.UTF_8);
    return """
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <modelVersion>4.0.0</modelVersion>
      <groupId>example</groupId>
      <artifactId>embedder</artifactId>
      <version>1</version>
      <properties>
        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
        <maven.compiler.release>21</maven.compiler.release>
      </properties>
      <dependencyManagement>
        <dependencies>
          <dependency>
            <groupId>io.fleetscaler</groupId>
            <artifactId>fleetscaler-bom</artifactId>
            <version>%s</version>
            <type>pom</type>
            <scope>import</scope>
          </dependency>
        </dependencies>
      </dependencyManagement>
      <dependencies>
    %s  </dependencies>
      <build>
        <plugins>
          <plugin>
            <artifactId>maven-resources-plugin</artifactId>
            <version>%s</version>
          </plugin>
          <plugin>
            <artifactId>maven-compiler-plugin</artifactId>
            <version>%s</version>
          </plugin>
        </plugins>
      </build>
    </project>
    """
        .formatted(
            version,
            deps,
            pluginVersion(parent, "maven-resources-plugin"),
            pluginVersion(parent, "maven-compiler-plugin"));
  }

  /**
   * The version the parent POM pins for {@code plugin}: the one the build already resolved, so the
   * offline consumer finds it.
   */
  private static String pluginVersion(String parentPom, String plugin) {
    Matcher m =
        Pattern.compile(
                "<artifactId>"
                    + Pattern.quote(plugin)
                    + "</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(parentPom);
    assertThat(m.find()).as(plugin + " pinned in the parent POM").isTrue();
    return m.group(1);
  }
}
