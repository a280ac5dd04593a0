package io.fleetscaler.core.state;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link StateStore} as a line-oriented text file, so an operator can read it:
 *
 * <pre>
 * fleetscaler-state 1
 * group aws%2Feu-west-1%2Fci
 * capacity 2
 * expect 2026-12-06T05:00:00Z 2
 * instance i-0abc claims=3 uses=2 deletion=-
 * instance i-0def claims=0 uses=0 deletion=- standby
 * connect protocol=ssh port=22 username=core password=~ key=-----BEGIN... os=linux arch=amd64 ...
 * hold runner-1%2Fjob-7 0 acquired
 * end 1 1
 * </pre>
 *
 * Strings are URL-encoded and {@code ~} stands for null (an encoded string never contains a raw
 * {@code ~}); {@code expect} lines (optional, absent from files saved before they were kept) say
 * how many instances asked for at that time the cloud has not listed yet; {@code connect} and
 * {@code hold} lines belong to the {@code instance} line above them; a trailing {@code standby}
 * marks a member of the standby pool (files saved before it was kept marked one {@code
 * deletion=standby}, which still reads as one); the {@code end} line (instances, holdings) proves
 * the file is whole.
 */
final class FileStateStore implements StateStore {
  private static final String MAGIC = "fleetscaler-state 1";
  private static final String NULL = "~";
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private final Path dir;
  private final Path file;
  private final String groupId;
  private final boolean posix;

  private FileStateStore(Path dir, Path file, String groupId, boolean posix) {
    this.dir = dir;
    this.file = file;
    this.groupId = groupId;
    this.posix = posix;
  }

  static FileStateStore open(Path dir, String groupId) throws IOException {
    if (groupId.isEmpty()) {
      throw new IllegalArgumentException("groupId is empty");
    }
    Path abs = dir.toAbsolutePath().normalize();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(abs)) {
      if (posix) {
        Files.createDirectories(
            abs,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(abs);
      }
    }
    if (posix) {
      checkDirectory(abs);
    }
    return new FileStateStore(abs, abs.resolve(fileName(groupId)), groupId, posix);
  }

  /** {@code <slug>-<12 hex of SHA-256>.state}. */
  static String fileName(String groupId) {
    String slug = groupId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (slug.length() > 48) {
      slug = slug.substring(0, 48);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(groupId.getBytes(StandardCharsets.UTF_8));
      return slug + "-" + HexFormat.of().formatHex(hash, 0, 6) + ".state";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void checkDirectory(Path dir) throws IOException {
    // Our effective uid is the owner of /proc/self (Linux); compared as numbers, so a uid without a
    // passwd entry (common in containers) works. Elsewhere the owner check is skipped.
    Path self = Path.of("/proc/self");
    if (Files.exists(self)) {
      Object me = Files.getAttribute(self, "unix:uid");
      Object owner = Files.getAttribute(dir, "unix:uid");
      if (!me.equals(owner)) {
        throw new AccessDeniedException(
            dir.toString(),
            null,
            "state_storage dir belongs to uid " + owner + ", not to this process's uid " + me);
      }
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
    if (perms.stream().anyMatch(OTHERS_WRITE::contains)) {
      throw new AccessDeniedException(
          dir.toString(),
          null,
          "state_storage dir is writable by group or others (mode "
              + PosixFilePermissions.toString(perms)
              + "); chmod 700 it");
    }
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public Optional<StoredState> load() throws IOException {
    List<String> lines;
    try {
      if (posix) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(OTHERS::contains)) {
          throw new AccessDeniedException(
              file.toString(),
              null,
              "state file is accessible to group or others (mode "
                  + PosixFilePermissions.toString(perms)
                  + "); it may hold credentials: chmod 600 it");
        }
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(parse(lines));
  }

  private StoredState parse(List<String> lines) throws IOException {
    Parser p = new Parser(file, lines);
    p.expect(MAGIC.equals(p.line(0)), 0, "not a fleetscaler state file (first line)");
    String[] g = p.fields(1, "group", 2);
    String storedGroup = decode(g[1]);
    p.expect(
        storedGroup.equals(groupId),
        1,
        "belongs to group "
            + storedGroup
            + ", not "
            + groupId
            + " (hash collision or copied file)");
    int capacity = p.integer(p.fields(2, "capacity", 2)[1], 2);
    List<Instant> expected = new ArrayList<>();
    int n = 3;
    while (n < lines.size() && lines.get(n).startsWith("expect ")) {
      String[] e = p.fields(n, "expect", 3);
      Instant at = p.instant(e[1], n);
      for (int k = p.integer(e[2], n); k > 0; k--) {
        expected.add(at);
      }
      n++;
    }
    List<StoredInstance> instances = new ArrayList<>();
    int holdings = 0;
    while (n < lines.size() && lines.get(n).startsWith("instance ")) {
      String[] f = p.fields(n, "instance", 5, 6);
      boolean standby = f.length == 6;
      if (standby) {
        p.expect(f[5].equals("standby"), n, "expected 'standby' after the deletion field");
      }
      String id = decode(f[1]);
      int claims = p.integer(p.value(f[2], "claims", n), n);
      long uses = p.integer(p.value(f[3], "uses", n), n);
      String deletion = p.value(f[4], "deletion", n);
      n++;
      ConnectInfo connect = null;
      if (n < lines.size() && lines.get(n).startsWith("connect ")) {
        connect = p.connect(id, p.fields(n, "connect", 14), n);
        n++;
      }
      List<Holding> held = new ArrayList<>();
      while (n < lines.size() && lines.get(n).startsWith("hold ")) {
        String[] h = p.fields(n, "hold", 4);
        p.expect(
            h[3].equals("acquired") || h[3].equals("reserved"),
            n,
            "expected acquired or reserved, got " + h[3]);
        held.add(new Holding(decode(h[1]), p.integer(h[2], n), h[3].equals("acquired")));
        n++;
      }
      holdings += held.size();
      instances.add(
          new StoredInstance(
              id, claims, uses, deletion.equals("-") ? null : deletion, held, connect, standby));
    }
    String[] end = p.fields(n, "end", 3);
    p.expect(
        p.integer(end[1], n) == instances.size() && p.integer(end[2], n) == holdings,
        n,
        "end counts do not match the file: it is truncated or edited");
    p.expect(n == lines.size() - 1, n + 1, "unexpected lines after end");
    return new StoredState(storedGroup, capacity, instances, expected);
  }

  @Override
  public void save(StoredState state) throws IOException {
    if (!state.groupId().equals(groupId)) {
      throw new IllegalArgumentException(
          "state of group " + state.groupId() + " given to the store of " + groupId);
    }
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    FileAttribute<?>[] attrs =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    try (FileChannel ch =
        FileChannel.open(
            tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
      BufferedWriter out =
          new BufferedWriter(
              new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
      write(state, out);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself must survive a power loss
    }
  }

  private static void write(StoredState state, BufferedWriter out) throws IOException {
    out.write(MAGIC + "\n");
    out.write("group " + encode(state.groupId()) + "\n");
    out.write("capacity " + state.capacityPerInstance() + "\n");
    writeExpected(state.expectedCreations(), out);
    int holdings = 0;
    for (StoredInstance i : state.instances()) {
      String deletion = i.deletion();
      out.write(
          String.format(
              Locale.ROOT,
              "instance %s claims=%d uses=%d deletion=%s%s%n",
              encode(i.id()),
              i.claims(),
              i.completedUses(),
              deletion == null ? "-" : encode(deletion),
              i.standby() ? " standby" : ""));
      ConnectInfo c = i.connectInfo();
      if (c != null) {
        out.write(connectLine(c));
      }
      for (Holding h : i.holdings()) {
        out.write(
            "hold "
                + encode(h.key())
                + " "
                + h.index()
                + (h.acquired() ? " acquired" : " reserved")
                + "\n");
        holdings++;
      }
    }
    out.write("end " + state.instances().size() + " " + holdings + "\n");
  }

  /** One {@code expect} line per run of equal times; none at all when nothing is expected. */
  private static void writeExpected(List<Instant> expected, BufferedWriter out) throws IOException {
    for (int i = 0; i < expected.size(); ) {
      Instant at = expected.get(i);
      int j = i;
      while (j < expected.size() && expected.get(j).equals(at)) {
        j++;
      }
      out.write("expect " + at + " " + (j - i) + "\n");
      i = j;
    }
  }

  private static String connectLine(ConnectInfo c) {
    ConnectorConfig k = c.connector();
    Instant expires = c.expires();
    return String.join(
            " ",
            "connect",
            "protocol=" + encode(k.protocol().wireName()),
            "port=" + k.protocolPort(),
            "username=" + encode(k.username()),
            "password=" + nullable(k.password()),
            "key=" + nullable(k.privateKey()),
            "os=" + encode(k.os()),
            "arch=" + encode(k.arch()),
            "static=" + k.useStaticCredentials(),
            "keepalive=" + k.keepalive(),
            "timeout=" + k.timeout(),
            "internal=" + encode(c.internalAddr()),
            "external=" + encode(c.externalAddr()),
            "expires=" + (expires == null ? NULL : expires.toString()))
        + "\n";
  }

  private static String nullable(@Nullable String s) {
    return s == null ? NULL : encode(s);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Reads fields of the state file, failing with the file and line named. */
  private record Parser(Path file, List<String> lines) {
    String line(int n) throws IOException {
      expect(n < lines.size(), n, "file ends early: truncated");
      return lines.get(n);
    }

    String[] fields(int n, String keyword, int count) throws IOException {
      return fields(n, keyword, count, count);
    }

    /** A line of {@code min} to {@code max} fields (the keyword included). */
    String[] fields(int n, String keyword, int min, int max) throws IOException {
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

    String value(String field, String name, int n) throws IOException {
      expect(field.startsWith(name + "="), n, "expected " + name + "=...");
      return decode(field.substring(name.length() + 1));
    }

    ConnectInfo connect(String id, String[] f, int n) throws IOException {
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

    @Nullable String nullableValue(String field, String name, int n) throws IOException {
      expect(field.startsWith(name + "="), n, "expected " + name + "=...");
      String raw = field.substring(name.length() + 1);
      return raw.equals(NULL) ? null : decode(raw);
    }

    Instant instant(String s, int n) throws IOException {
      try {
        return Instant.parse(s);
      } catch (RuntimeException e) {
        throw error(n, "not a time: " + s);
      }
    }

    int integer(String s, int n) throws IOException {
      try {
        int v = Integer.parseInt(s);
        expect(v >= 0, n, "negative number " + s);
        return v;
      } catch (NumberFormatException e) {
        throw error(n, "not a number: " + s);
      }
    }

    void expect(boolean ok, int n, String what) throws IOException {
      if (!ok) {
        throw error(n, what);
      }
    }

    IOException error(int n, String what) {
      return new IOException(file + ":" + (n + 1) + ": " + what);
    }
  }

  @Override
  public String toString() {
    return "StateStore[" + file + "]";
  }
}
