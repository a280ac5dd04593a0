package io.fleetscaler.plugin.sdk;

import static io.fleetscaler.plugin.sdk.TestPlugins.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin whose start-up fails leaves no socket behind in the temporary directory. */
class SocketDirTest {
  @TempDir Path dir;

  @Test
  void aFailedStartUpRemovesTheSocketDirectoryAndWhatThePluginLeftInIt() throws Exception {
    Path where = dir.resolve("where");
    List<String> command =
        script(
            dir,
            "leaves-socket",
            "echo \"$PLUGIN_UNIX_SOCKET_DIR\" > '"
                + where
                + "'\ntouch \"$PLUGIN_UNIX_SOCKET_DIR/plugin0123\"\necho 'no credentials' >&2\nexit 3");

    assertThatThrownBy(() -> PluginProcess.launch(PluginLaunchSpec.of("leaves-socket", command)))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessageContaining("exited with status 3");

    Path socketDir = Path.of(Files.readString(where).strip());
    assertThat(socketDir.getFileName().toString()).startsWith("fleetscaler-plugin-");
    assertThat(socketDir).doesNotExist();
  }
}
