package io.fleetscaler.plugin.sdk.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/**
 * A fresh Ed25519 key pair for one connection, in the two text forms it is used in: the public key
 * as an OpenSSH {@code authorized_keys} line (what EC2 Instance Connect accepts, and Google's guest
 * agent reads from {@code ssh-keys} metadata) and the private key as PKCS#8 PEM (what SSH clients,
 * Go's and Java's, read). Cloud plugins that mint short-lived SSH credentials share it.
 *
 * <p>Ed25519 rather than fleeting's RSA-4096: both clouds accept both, and an Ed25519 key is
 * generated in microseconds, where RSA-4096 takes a noticeable fraction of a second per connection.
 *
 * @param authorizedKey {@code ssh-ed25519 <base64> fleetscaler}
 * @param privateKeyPem {@code -----BEGIN PRIVATE KEY-----} text; a secret
 */
public record SshKeyPair(String authorizedKey, String privateKeyPem) {

  private static final String KEY_TYPE = "ssh-ed25519";

  // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it.
  private static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** Generates a new pair with the JDK's default secure random source. */
  public static SshKeyPair generate() {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
    }
    return new SshKeyPair(
        authorizedKeyLine(pair.getPublic().getEncoded()), pem(pair.getPrivate().getEncoded()));
  }

  /** The OpenSSH line of an Ed25519 public key given in X.509 SubjectPublicKeyInfo encoding. */
  public static String authorizedKeyLine(byte[] spki) {
    if (spki.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException(
          "not an Ed25519 SubjectPublicKeyInfo (" + spki.length + " bytes)");
    }
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    writeString(blob, KEY_TYPE.getBytes(StandardCharsets.US_ASCII));
    writeString(blob, Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length));
    return KEY_TYPE + " " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " fleetscaler";
  }

  /** SSH wire "string": a 4-byte big-endian length, then the bytes (RFC 4251 section 5). */
  private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
    int n = bytes.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(bytes, 0, n);
  }

  private static String pem(byte[] pkcs8) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8);
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  @Override
  public String toString() {
    return "SshKeyPair[authorizedKey=" + authorizedKey + ", privateKeyPem=<redacted>]";
  }
}
