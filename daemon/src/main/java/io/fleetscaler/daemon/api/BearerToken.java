package io.fleetscaler.daemon.api;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The API's bearer token: read from a file that only its owner may read, and checked on every call
 * ({@code authorization: Bearer <token>}) in constant time. Both sides are hashed first, so neither
 * the content nor the length of the token leaks through timing. The token never appears in a
 * message or log.
 */
final class BearerToken implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Set<PosixFilePermission> NOT_OWNER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private final byte[] expectedDigest;

  private BearerToken(byte[] expectedDigest) {
    this.expectedDigest = expectedDigest;
  }

  /**
   * Reads the token from {@code file}.
   *
   * @throws IllegalArgumentException naming the file if it is unreadable, empty, or open to group
   *     or others
   */
  static BearerToken fromFile(Path file) {
    return new BearerToken(digest(read(file, "token_file")));
  }

  /**
   * The trimmed content of a credentials file, refused when others may read or change it.
   *
   * @param what the setting that names it, for the message
   */
  static String read(Path file, String what) {
    requireOwnerOnly(file, what);
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException(what + ": " + file + " is empty");
    }
    return token;
  }

  /** Refuses a credentials file that group or others may read or write (POSIX systems only). */
  static void requireOwnerOnly(Path file, String what) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException notPosix) {
      return;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    Set<PosixFilePermission> open = EnumSet.copyOf(NOT_OWNER);
    open.retainAll(permissions);
    if (!open.isEmpty()) {
      throw new IllegalArgumentException(
          what + ": " + file + " holds a credential but is open to " + open + "; chmod 600 it");
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(call, "a bearer token is required (authorization: Bearer <token>)");
    }
    if (!MessageDigest.isEqual(expectedDigest, digest(value.substring(7).strip()))) {
      return refuse(call, "the bearer token is wrong");
    }
    return next.startCall(call, headers);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
    call.close(
        io.grpc.Status.fromCodeValue(Code.UNAUTHENTICATED.getNumber()).withDescription(why),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
