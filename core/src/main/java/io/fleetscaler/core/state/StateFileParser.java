package io.fleetscaler.core.state;

import static io.fleetscaler.core.state.StateFileFormat.MAGIC;
import static io.fleetscaler.core.state.StateFileFormat.NULL;
import static io.fleetscaler.core.state.StateFileFormat.decode;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the lines of a state file (in {@link StateFileFormat}) back into a {@link StoredState},
 * failing with an {@link IOException} that names the file and line. It never echoes a line: a
 * {@code connect} line holds credentials.
 *
 * <p>Owns nothing but the lines it was given; used once, on the thread that loads ({@link
 * FileStateStore#load}, at start-up).
 *
 * @param file the file the lines came from, for errors
 * @param lines the file's lines
 */
record StateFileParser(Path file, List<String> lines) {

  /** The state in the lines, which must belong to {@code groupId}. */
  StoredState parse(String groupId) throws IOException {
    expect(MAGIC.equals(line(0)), 0, "not a fleetscaler state file (first line)");
    String[] g = fields(1, "group", 2);
    String storedGroup = decode(g[1]);
    expect(
        storedGroup.equals(groupId),
        1,
        "belongs to group "
            + storedGroup
            + ", not "
            + groupId
            + " (hash collision or copied file)");
    int capacity = integer(fields(2, "capacity", 2)[1], 2);
    List<Instant> expected = new ArrayList<>();
    int n = 3;
    while (n < lines.size() && lines.get(n).startsWith("expect ")) {
      String[] e = fields(n, "expect", 3);
      Instant at = instant(e[1], n);
      for (int k = integer(e[2], n); k > 0; k--) {
        expected.add(at);
      }
      n++;
    }
    List<StoredInstance> instances = new ArrayList<>();
    int holdings = 0;
    while (n < lines.size() && lines.get(n).startsWith("instance ")) {
      n = instance(n, instances);
      holdings += instances.getLast().holdings().size();
    }
    String[] end = fields(n, "end", 3);
    expect(
        integer(end[1], n) == instances.size() && integer(end[2], n) == holdings,
        n,
        "end counts do not match the file: it is truncated or edited");
    expect(n == lines.size() - 1, n + 1, "unexpected lines after end");
    return new StoredState(storedGroup, capacity, instances, expected);
  }

  /**
   * Reads the instance line at {@code n} with its {@code connect} and {@code hold} lines into
   * {@code instances}; returns the index of the line after them.
   */
  private int instance(int n, List<StoredInstance> instances) throws IOException {
    String[] f = fields(n, "instance", 5, 6);
    boolean standby = f.length == 6;
    if (standby) {
      expect(f[5].equals("standby"), n, "expected 'standby' after the deletion field");
    }
    String id = decode(f[1]);
    int claims = integer(value(f[2], "claims", n), n);
    long uses = integer(value(f[3], "uses", n), n);
    String deletion = value(f[4], "deletion", n);
    n++;
    ConnectInfo connect = null;
    if (n < lines.size() && lines.get(n).startsWith("connect ")) {
      connect = connect(id, fields(n, "connect", 14), n);
      n++;
    }
    List<Holding> held = new ArrayList<>();
    while (n < lines.size() && lines.get(n).startsWith("hold ")) {
      String[] h = fields(n, "hold", 4);
      expect(
          h[3].equals("acquired") || h[3].equals("reserved"),
          n,
          "expected acquired or reserved, got " + h[3]);
      held.add(new Holding(decode(h[1]), integer(h[2], n), h[3].equals("acquired")));
      n++;
    }
    instances.add(
        new StoredInstance(
            id, claims, uses, deletion.equals("-") ? null : deletion, held, connect, standby));
    return n;
  }

  private String line(int n) throws IOException {
    expect(n < lines.size(), n, "file ends early: truncated");
    return lines.get(n);
  }

  private String[] fields(int n, String keyword, int count) throws IOException {
    return fields(n, keyword, count, count);
  }

  /** A line of {@code min} to {@code max} fields (the keyword included). */
  private String[] fields(int n, String keyword, int min, int max) throws IOException {
    String[] f = line(n).split(" ", -1);
    // Never echo the line: a connect line holds credentials.
    expect(
        f.length >= min && f.length <= max && f[0].equals(keyword),
        n,
        "expected '"
            + keyword
            + "' with "
            + (min == max ? Integer.toString(min - 1) : (min - 1) + " to " + (max - 1))
            + " fields, got '"
            + f[0]
            + "' with "
            + (f.length - 1));
    return f;
  }

  private String value(String field, String name, int n) throws IOException {
    expect(field.startsWith(name + "="), n, "expected " + name + "=...");
    return decode(field.substring(name.length() + 1));
  }

  private ConnectInfo connect(String id, String[] f, int n) throws IOException {
    try {
      ConnectorConfig k =
          new ConnectorConfig(
              value(f[6], "os", n),
              value(f[7], "arch", n),
              Protocol.fromWireName(value(f[1], "protocol", n)),
              integer(value(f[2], "port", n), n),
              value(f[3], "username", n),
              nullableValue(f[4], "password", n),
              nullableValue(f[5], "key", n),
              Boolean.parseBoolean(value(f[8], "static", n)),
              Duration.parse(value(f[9], "keepalive", n)),
              Duration.parse(value(f[10], "timeout", n)));
      String expires = nullableValue(f[13], "expires", n);
      return new ConnectInfo(
          id,
          k,
          value(f[11], "internal", n),
          value(f[12], "external", n),
          expires == null ? null : Instant.parse(expires));
    } catch (RuntimeException e) {
      throw error(n, "bad connection details: " + e.getMessage());
    }
  }

  private @Nullable String nullableValue(String field, String name, int n) throws IOException {
    expect(field.startsWith(name + "="), n, "expected " + name + "=...");
    String raw = field.substring(name.length() + 1);
    return raw.equals(NULL) ? null : decode(raw);
  }

  private Instant instant(String s, int n) throws IOException {
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      throw error(n, "not a time: " + s);
    }
  }

  private int integer(String s, int n) throws IOException {
    try {
      int v = Integer.parseInt(s);
      expect(v >= 0, n, "negative number " + s);
      return v;
    } catch (NumberFormatException e) {
      throw error(n, "not a number: " + s);
    }
  }

  private void expect(boolean ok, int n, String what) throws IOException {
    if (!ok) {
      throw error(n, what);
    }
  }

  private IOException error(int n, String what) {
    return new IOException(file + ":" + (n + 1) + ": " + what);
  }
}
