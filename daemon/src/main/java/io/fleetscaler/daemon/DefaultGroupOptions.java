package io.fleetscaler.daemon;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.logging.Printable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code run} without {@code --config}: the options that shape the embedded default group are
 * written out as the TOML a file would hold and read by the file's own reader, so every option is
 * checked exactly as its key would be (ranges, durations, the plugin's name), and every problem is
 * reported against the option that caused it. {@code --plugin-config} must be a JSON object.
 */
final class DefaultGroupOptions {
  /** The name errors about the options are filed under. */
  static final Path NAME = Path.of("command line");

  /** The longest {@code --plugin-config} accepted, as for a configuration file. */
  static final int MAX_PLUGIN_CONFIG_CHARS = 64 * 1024;

  private static final Map<String, String> OPTION_OF_KEY =
      Map.of(
          "group[0].plugin", "--plugin",
          "group[0].capacity_per_instance", "--capacity-per-instance",
          "group[0].max_instances", "--max-instances",
          "group[0].update_interval", "--update-interval",
          "group[0].policy[0].idle_count", "--idle-count",
          "group[0].policy[0].idle_time", "--idle-time",
          "group[0].plugin_config", "--plugin-config");

  private DefaultGroupOptions() {}

  static DaemonConfig load(RunCommand c, Consumer<ConfigError> warnings) throws ConfigException {
    String json =
        c.pluginConfig != null
            ? c.pluginConfig
            : c.plugin.equals("simulated") ? RunCommand.DEFAULT_SIMULATED_CONFIG : "{}";
    String jsonProblem = jsonObjectProblem(json);
    if (jsonProblem != null) {
      throw new ConfigException(
          List.of(new ConfigError(NAME, 0, "group[0].plugin_config", jsonProblem)));
    }
    String toml =
        "[[group]]\n"
            + "name = \"default\"\n"
            + "plugin = "
            + quote(c.plugin)
            + "\ncapacity_per_instance = "
            + c.capacityPerInstance
            + "\nmax_instances = "
            + c.maxInstances
            + "\nupdate_interval = "
            + quote(c.updateInterval)
            + "\n[[group.policy]]\nidle_count = "
            + c.idleCount
            + "\nidle_time = "
            + quote(c.idleTime)
            + "\n";
    DaemonConfig read = ConfigFile.parse(toml, NAME, warnings);
    return new DaemonConfig(
        read.daemon(), List.of(read.groups().getFirst().withPluginConfigJson(json)));
  }

  /** An error about the options, naming the option instead of the key it was written to. */
  static String describe(ConfigError e) {
    String option = OPTION_OF_KEY.getOrDefault(e.key(), e.key());
    return Printable.escape(option) + ": " + Printable.escape(e.message());
  }

  private static @org.jspecify.annotations.Nullable String jsonObjectProblem(String json) {
    if (json.length() > MAX_PLUGIN_CONFIG_CHARS) {
      return "too long: at most " + MAX_PLUGIN_CONFIG_CHARS + " characters";
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(json);
    } catch (JsonParseException | StackOverflowError e) {
      String why =
          e.getMessage() == null
              ? "nested too deep"
              // Gson prefixes the cause's class name: the words are what matter.
              : firstLine(e.getMessage()).replaceAll("^([\\w.$]+(Exception|Error): )+", "");
      return "not valid JSON (" + Printable.escape(why) + ")";
    }
    if (!parsed.isJsonObject()) {
      return "expected a JSON object such as {\"name\": \"x\"}, got "
          + Printable.escape(firstLine(json));
    }
    return null;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }

  /** {@code s} as a TOML basic string. */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20 || ch == 0x7f) {
        b.append(String.format("\\u%04X", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.append('"').toString();
  }
}
