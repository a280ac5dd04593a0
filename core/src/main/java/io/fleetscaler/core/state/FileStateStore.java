package io.fleetscaler.core.state;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
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
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link StateStore} as one text file per group in a directory only this process's user may
 * write: it owns the file's place, its permissions (it may hold credentials: {@code 0600} in a
 * {@code 0700} directory owned by this uid) and the crash-safe replacement on save (temporary file,
 * fsync, atomic rename, fsync of the directory). The format is {@link StateFileFormat}'s, read back
 * by {@link StateFileParser}.
 *
 * <p>Thread-safe as far as the file system is: it keeps no mutable state; the scaler saves from its
 * one state writer thread and loads once at start-up.
 */
final class FileStateStore implements StateStore {
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
    return Optional.of(new StateFileParser(file, lines).parse(groupId));
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
      StateFileFormat.write(state, out);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself must survive a power loss
    }
  }

  @Override
  public String toString() {
    return "StateStore[" + file + "]";
  }
}
