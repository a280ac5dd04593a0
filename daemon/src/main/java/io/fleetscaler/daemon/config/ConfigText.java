package io.fleetscaler.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads a configuration file's text within fixed bounds, before any parser sees it: only a regular
 * file (a FIFO, a device such as {@code /dev/zero} or a directory is refused without being opened,
 * so a reload cannot block on it), at most {@link #MAX_BYTES}, valid UTF-8 without NUL bytes, and
 * brackets and braces nested at most {@link #MAX_DEPTH} deep. The TOML parser recurses once per
 * nesting level and holds the whole file in memory several times over, so these bounds are what
 * keep a hostile file from exhausting the stack or the heap. Every refusal is said in words.
 */
final class ConfigText {
  /** The largest file read: a configuration with hundreds of groups is well under 100 KiB. */
  static final int MAX_BYTES = 1024 * 1024;

  /** The deepest nesting of tables and arrays (brackets, braces, dotted keys) accepted. */
  static final int MAX_DEPTH = 32;

  private ConfigText() {}

  /**
   * The file's text.
   *
   * @throws ConfigException with one error saying why it cannot be used
   */
  static String read(Path file, Path absolute) throws ConfigException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw fail(file, "no such file");
    } catch (AccessDeniedException e) {
      throw fail(file, "permission denied: this user may not look at it");
    } catch (IOException e) {
      throw fail(file, "cannot read the file: " + words(e));
    }
    if (attributes.isDirectory()) {
      throw fail(file, "is a directory, not a configuration file");
    }
    if (!attributes.isRegularFile()) {
      throw fail(
          file,
          "not a regular file (a pipe, socket or device): refused without reading, since it may"
              + " never end");
    }
    if (attributes.size() > MAX_BYTES) {
      throw fail(file, tooLarge(attributes.size()));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(absolute)) {
      // The size may have changed since it was looked at: never read more than the limit.
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (AccessDeniedException e) {
      throw fail(file, "permission denied: this user may not read it");
    } catch (IOException e) {
      throw fail(file, "cannot read the file: " + words(e));
    }
    if (bytes.length > MAX_BYTES) {
      throw fail(file, tooLarge(bytes.length));
    }
    return text(file, bytes);
  }

  /** {@code bytes} as text, refused when binary or nested too deep. */
  static String text(Path file, byte[] bytes) throws ConfigException {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw fail(file, "binary data (a NUL byte at offset " + i + "), not a TOML text file");
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw fail(file, "not UTF-8 text: TOML files must be UTF-8 (is it a binary file?)");
    }
    int[] depth = bracketDepth(text);
    if (depth[0] > MAX_DEPTH) {
      throw new ConfigException(
          List.of(
              new ConfigError(
                  file,
                  depth[1],
                  "",
                  "tables and arrays nested more than " + MAX_DEPTH + " deep: refused")));
    }
    return text;
  }

  /**
   * The deepest nesting of {@code table} (dotted keys make nested tables too), or {@code limit + 1}
   * as soon as it is exceeded. Iterative: this runs before anything recursive walks the tree.
   */
  static int depth(TomlTable table, int limit) {
    Deque<Map.Entry<Object, Integer>> todo = new ArrayDeque<>();
    todo.push(Map.entry(table, 1));
    int deepest = 0;
    while (!todo.isEmpty()) {
      Map.Entry<Object, Integer> next = todo.pop();
      int d = next.getValue();
      deepest = Math.max(deepest, d);
      if (deepest > limit) {
        return deepest;
      }
      if (next.getKey() instanceof TomlTable t) {
        for (String key : t.keySet()) {
          Object v = t.get(List.of(key));
          if (v instanceof TomlTable || v instanceof TomlArray) {
            todo.push(Map.entry(v, d + 1));
          }
        }
      } else if (next.getKey() instanceof TomlArray a) {
        for (int i = 0; i < a.size(); i++) {
          Object v = a.get(i);
          if (v instanceof TomlTable || v instanceof TomlArray) {
            todo.push(Map.entry(v, d + 1));
          }
        }
      }
    }
    return deepest;
  }

  /**
   * The deepest nesting of {@code [} and <code>{</code> outside strings and comments, and the line
   * where it first exceeds {@link #MAX_DEPTH}: {deepest, line}.
   */
  private static int[] bracketDepth(String s) {
    int depth = 0;
    int deepest = 0;
    int line = 1;
    int lineOfExcess = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == '#') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'') {
        boolean multi = s.startsWith(c == '"' ? "\"\"\"" : "'''", i);
        String end = multi ? (c == '"' ? "\"\"\"" : "'''") : String.valueOf(c);
        i += end.length();
        while (i < n && !s.startsWith(end, i)) {
          char d = s.charAt(i);
          if (d == '\n') {
            if (!multi) {
              break; // an unterminated string: the parser reports it
            }
            line++;
          }
          i += (d == '\\' && c == '"' && i + 1 < n) ? 2 : 1;
        }
        i += end.length();
      } else {
        if (c == '[' || c == '{') {
          depth++;
          if (depth > deepest) {
            deepest = depth;
            if (deepest == MAX_DEPTH + 1) {
              lineOfExcess = line;
            }
          }
        } else if ((c == ']' || c == '}') && depth > 0) {
          depth--;
        }
        i++;
      }
    }
    return new int[] {deepest, lineOfExcess};
  }

  private static String tooLarge(long size) {
    return "too large: "
        + (size > MAX_BYTES ? "more than " : "")
        + MAX_BYTES / 1024
        + " KiB is the limit for a configuration file (refused without parsing)";
  }

  /** An I/O failure in words: its message, never the exception's class name alone. */
  static String words(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? "an input/output error" : m;
  }

  private static ConfigException fail(Path file, String why) {
    return new ConfigException(List.of(new ConfigError(file, 0, "", why)));
  }
}
