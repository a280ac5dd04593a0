package io.fleetscaler.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks the state store makes when it opens its directory, made while the file is read so that
 * {@code validate} refuses what {@code run} would: the directory, if it exists already, must be a
 * directory that this user owns and that group and others cannot write (anyone who can write it
 * could swap the state file). A directory that does not exist yet is created by the store.
 */
final class StateDirCheck {
  private StateDirCheck() {}

  /** What is wrong with {@code dir} as a state directory, or null. */
  static @Nullable String problem(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.exists(dir)) {
      return null;
    }
    if (!Files.isDirectory(dir)) {
      return dir + " exists and is not a directory";
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      if (perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        return dir
            + " is writable by group or others (mode "
            + PosixFilePermissions.toString(perms)
            + "), so anyone could swap the state file: use a directory of its own (chmod 700)";
      }
      Path self = Path.of("/proc/self");
      if (Files.exists(self)) {
        Object me = Files.getAttribute(self, "unix:uid");
        Object owner = Files.getAttribute(dir, "unix:uid");
        if (!me.equals(owner)) {
          return dir + " belongs to uid " + owner + ", not to this user (uid " + me + ")";
        }
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      return dir + ": cannot check its owner and mode: " + ConfigText.words(e);
    }
    return null;
  }
}
