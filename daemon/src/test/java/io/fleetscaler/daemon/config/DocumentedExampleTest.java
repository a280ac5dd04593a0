package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The full example in docs/configuration.md loads, once the files it names exist. */
class DocumentedExampleTest {
  @TempDir Path tmp;

  @Test
  void theFullExampleInTheReferenceLoads() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    String section = doc.substring(doc.indexOf("## A full example"));
    int start = section.indexOf("```toml\n") + "```toml\n".length();
    String toml = section.substring(start, section.indexOf("```", start));
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    toml = toml.replace("/opt/fleetscaler/plugins", plugins.toString());
    executable(plugins.resolve("fleeting-plugin-azure"));
    Files.createDirectories(tmp.resolve("tls"));
    Files.writeString(tmp.resolve("tls/server.pem"), "certificate");
    Files.writeString(tmp.resolve("tls/runners-ca.pem"), "ca");
    secret(tmp.resolve("tls/server-key.pem"));
    secret(tmp.resolve("api-token"));
    Path file = tmp.resolve("fleetscaler.toml");
    Files.writeString(file, toml);
    List<ConfigError> warnings = new ArrayList<>();

    DaemonConfig config = new ConfigLoader("").load(file, warnings::add);

    assertThat(config.groups()).extracting(GroupConfig::name).containsExactly("linux", "windows");
    assertThat(config.daemon().tlsClientCaFile()).isEqualTo(tmp.resolve("tls/runners-ca.pem"));
    assertThat(config.group("linux").orElseThrow().policies()).hasSize(2);
    assertThat(warnings)
        .extracting(ConfigError::key)
        .containsExactly("runners[0].url", "runners[0].token", "runners[0].executor");
  }

  private static void executable(Path p) throws Exception {
    Files.writeString(p, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
  }

  private static void secret(Path p) throws Exception {
    Files.writeString(p, "secret");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
  }
}
