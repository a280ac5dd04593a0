package io.fleetscaler.daemon.config;

import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.logging.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

/** Reads one file into a {@link DaemonConfig}; see {@link ConfigFile}. */
final class ConfigLoader {

  /** gitlab-runner's global settings, which a pasted config.toml brings along. */
  private static final Set<String> RUNNER_GLOBALS =
      Set.of(
          "concurrent",
          "check_interval",
          "log_level",
          "log_format",
          "shutdown_timeout",
          "listen_address",
          "sentry_dsn",
          "connection_max_age",
          "session_server");

  private final String pathVariable;

  ConfigLoader(String pathVariable) {
    this.pathVariable = pathVariable;
  }

  DaemonConfig load(Path file, Consumer<ConfigError> warnings) throws ConfigException {
    Path absolute = file.toAbsolutePath().normalize();
    return load(file, absolute, ConfigText.read(file, absolute), warnings);
  }

  /**
   * Reads {@code text} as if it were the content of {@code file} (relative paths in it resolve
   * against {@code absolute}'s directory). The size and nesting bounds of a file apply.
   */
  DaemonConfig load(Path file, Path absolute, String text, Consumer<ConfigError> warnings)
      throws ConfigException {
    if (text.length() > ConfigText.MAX_BYTES) {
      throw new ConfigException(
          List.of(new ConfigError(file, 0, "", "too large: more than 1024 KiB")));
    }
    ConfigText.text(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Problems problems = new Problems(file);
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      for (TomlParseError e : toml.errors()) {
        problems.error(e.position().line(), "", "TOML syntax: " + e.getMessage());
      }
      throw new ConfigException(problems.errors());
    }
    if (ConfigText.depth(toml, ConfigText.MAX_DEPTH) > ConfigText.MAX_DEPTH) {
      problems.error(
          0,
          "",
          "tables nested more than " + ConfigText.MAX_DEPTH + " deep (dotted keys count): refused");
      throw new ConfigException(problems.errors());
    }
    Path configDir = absolute.getParent() == null ? Path.of(".") : absolute.getParent();
    TableReader root = new TableReader(toml, "", 1, problems);
    TableReader daemonTable = root.table("daemon");
    TableReader haTable = daemonTable == null ? null : daemonTable.table("ha");
    HaSettings ha = haTable == null ? null : HaReader.read(haTable, configDir, problems);
    DaemonSettings daemon =
        daemonTable == null ? DaemonSettings.defaults() : daemon(daemonTable, configDir);
    GroupReader groups =
        new GroupReader(
            new PluginResolver(configDir, daemon.pluginsDir(), pathVariable), configDir, problems);
    List<GroupConfig> read = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, String> shards = new LinkedHashMap<>();
    for (TableReader g : root.tables("group")) {
      String name = name(g, names);
      String shard = shard(g, haTable != null);
      if (shard != null) {
        shards.put(name, shard);
      }
      GroupConfig group = groups.read(name, g);
      if (group != null) {
        read.add(group);
      }
    }
    for (TableReader r : root.tables("runners")) {
      GroupConfig group = runner(r, groups, names);
      if (group != null) {
        read.add(group);
      }
    }
    for (String key : root.keys()) {
      if (RUNNER_GLOBALS.contains(key)) {
        root.accept(key);
        root.warn(key, "gitlab-runner setting ignored by fleetscaler");
      }
    }
    root.finish();
    if (names.isEmpty() && problems.errorCount() == 0) {
      problems.error(
          0,
          "group",
          "no instance group: add a [[group]], or a [[runners]] with [runners.autoscaler]");
    }
    problems.warnings().forEach(warnings);
    if (problems.errorCount() > 0) {
      throw new ConfigException(problems.errors());
    }
    return new DaemonConfig(daemon, read, ha, shards);
  }

  /**
   * A group's {@code shard} key: the election (under {@code [daemon.ha]}) whose leader runs the
   * group; null when absent or in error (reported).
   */
  private static @Nullable String shard(TableReader g, boolean ha) {
    if (!g.has("shard")) {
      return null;
    }
    String shard = g.optionalString("shard");
    if (shard == null) {
      return null; // not a string: reported
    }
    if (!ha) {
      g.error(
          "shard",
          "needs [daemon.ha]: a shard is an election of a high-availability set; remove the key"
              + " or add [daemon.ha]");
      return null;
    }
    if (!shard.matches("[A-Za-z0-9._-]{1,64}")) {
      g.error("shard", "must be 1 to 64 of A-Z a-z 0-9 . _ -, got \"" + shard + "\"");
      return null;
    }
    return shard;
  }

  /** A pasted gitlab-runner block: its name, its autoscaler; its other keys are not ours. */
  private static @Nullable GroupConfig runner(
      TableReader r, GroupReader groups, Map<String, String> names) {
    TableReader autoscaler = r.table("autoscaler");
    if (autoscaler == null) {
      r.accept("name");
      r.keys().forEach(r::accept);
      r.warn("name", "no [runners.autoscaler]: not an instance group, ignored");
      return null;
    }
    String name = name(r, names);
    for (String key : r.keys()) {
      if (!key.equals("name") && !key.equals("autoscaler")) {
        r.accept(key);
        // Only the key is named: runner blocks hold tokens.
        r.warn(key, "gitlab-runner setting ignored by fleetscaler");
      }
    }
    r.finish();
    return groups.read(name, autoscaler);
  }

  private static String name(TableReader t, Map<String, String> names) {
    String name = t.string("name", "");
    if (!t.has("name")) {
      t.errorOnTable("name: required: each group needs a unique name");
      return t.path();
    }
    if (name.isBlank()) {
      t.error("name", "must not be empty");
      return t.path();
    }
    if (!Printable.isSafe(name)) {
      // Shown escaped (ConfigError does that): the name itself could forge or hide log lines.
      t.error("name", "contains a control, bidirectional or invisible character: \"" + name + "\"");
      return t.path();
    }
    String first = names.putIfAbsent(name, t.keyPath("name"));
    if (first != null) {
      t.error("name", "duplicate group name \"" + name + "\" (also " + first + ")");
    }
    return name;
  }

  private static DaemonSettings daemon(TableReader t, Path configDir) {
    String http = listen(t, "http_listen", DaemonSettings.DEFAULT_HTTP_LISTEN);
    String grpc = listen(t, "grpc_listen", DaemonSettings.DEFAULT_GRPC_LISTEN);
    LogFormat format = LogFormat.TEXT;
    String formatName = t.string("log_format", "text");
    switch (formatName) {
      case "text" -> format = LogFormat.TEXT;
      case "json" -> format = LogFormat.JSON;
      default -> t.error("log_format", "expected \"text\" or \"json\", got \"" + formatName + "\"");
    }
    Path pluginsDir = path(t, "plugins_dir", configDir);
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      t.error("plugins_dir", "not a directory: " + pluginsDir);
    }
    Path cert = null;
    Path key = null;
    Path clientCa = null;
    TableReader tls = t.table("tls");
    if (tls != null) {
      cert = readableFile(tls, "cert_file", configDir, false);
      key = readableFile(tls, "key_file", configDir, true);
      clientCa = readableFile(tls, "client_ca_file", configDir, false);
      if (tls.has("cert_file") != tls.has("key_file")) {
        tls.errorOnTable("cert_file and key_file must be set together");
      }
      if (tls.has("client_ca_file") && !tls.has("cert_file")) {
        tls.error(
            "client_ca_file", "requires cert_file and key_file (client certificates need TLS)");
      }
      tls.finish();
    }
    Path token = null;
    TableReader auth = t.table("auth");
    if (auth != null) {
      token = readableFile(auth, "token_file", configDir, true);
      auth.finish();
    }
    t.finish();
    if ((cert == null) != (key == null)) {
      cert = null;
      key = null;
    }
    return new DaemonSettings(http, grpc, format, pluginsDir, cert, key, clientCa, token);
  }

  private static String listen(TableReader t, String key, String def) {
    String value = t.string(key, def);
    try {
      ListenAddress.parse(value);
      return value;
    } catch (IllegalArgumentException e) {
      t.error(key, String.valueOf(e.getMessage()));
      return def;
    }
  }

  private static @Nullable Path path(TableReader t, String key, Path configDir) {
    String value = t.optionalString(key);
    if (value == null) {
      return null;
    }
    if (value.isEmpty()) {
      t.error(key, "must not be empty");
      return null;
    }
    try {
      return configDir.resolve(value).normalize();
    } catch (InvalidPathException e) {
      t.error(key, "not a valid path: " + e.getReason());
      return null;
    }
  }

  /** A file that must exist; a secret one must not be readable by group or others. */
  static @Nullable Path readableFile(TableReader t, String key, Path configDir, boolean secret) {
    Path p = path(t, key, configDir);
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      t.error(key, "no readable file at " + p);
      return null;
    }
    if (secret) {
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (perms.stream().anyMatch(ConfigLoader::groupOrOther)) {
          t.error(key, p + " holds a secret but others may read it: chmod 600 it");
        }
      } catch (UnsupportedOperationException | IOException e) {
        // Not a POSIX file system: nothing to check.
      }
    }
    return p;
  }

  private static boolean groupOrOther(PosixFilePermission p) {
    return switch (p) {
      case GROUP_READ, GROUP_WRITE, GROUP_EXECUTE, OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE ->
          true;
      case OWNER_READ, OWNER_WRITE, OWNER_EXECUTE -> false;
    };
  }
}
