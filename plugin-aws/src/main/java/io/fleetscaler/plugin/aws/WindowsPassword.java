package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * Decrypts the Administrator password EC2 returns from {@code GetPasswordData}: base64 of the
 * password encrypted with RSA PKCS#1 v1.5 under the instance's key pair. The private key is read
 * from PEM text, either PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}, the form EC2 hands out for a new RSA key pair), which is wrapped into PKCS#8 here so that
 * the JDK's {@link KeyFactory} can read it.
 */
final class WindowsPassword {
  private static final String PKCS1 = "RSA PRIVATE KEY";
  private static final String PKCS8 = "PRIVATE KEY";

  // AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private WindowsPassword() {}

  /**
   * The clear-text password.
   *
   * @throws ProviderException.InvalidConfig if the key is not an RSA private key in PEM, or does
   *     not decrypt the password (the wrong key pair)
   */
  static String decrypt(String passwordData, String privateKeyPem) {
    PrivateKey key = parse(privateKeyPem);
    try {
      Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.DECRYPT_MODE, key);
      byte[] clear = rsa.doFinal(Base64.getMimeDecoder().decode(passwordData.strip()));
      return new String(clear, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ProviderException.InvalidConfig(
          "cannot decrypt the Windows password with the configured key: is it the instance's"
              + " key pair?",
          e);
    }
  }

  static PrivateKey parse(String pem) {
    byte[] der;
    if (pem.contains("-----BEGIN " + PKCS1 + "-----")) {
      der = pkcs1ToPkcs8(body(pem, PKCS1));
    } else if (pem.contains("-----BEGIN " + PKCS8 + "-----")) {
      der = body(pem, PKCS8);
    } else {
      throw new ProviderException.InvalidConfig(
          "the configured key is not a PEM RSA private key (BEGIN RSA PRIVATE KEY or BEGIN"
              + " PRIVATE KEY); OpenSSH-format keys are not supported for Windows passwords");
    }
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ProviderException.InvalidConfig(
          "the configured key is not a readable RSA private key", e);
    }
  }

  private static byte[] body(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end, from);
    if (to < 0) {
      throw new ProviderException.InvalidConfig("the configured key has no '" + end + "' line");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).strip());
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidConfig("the configured key is not valid base64 PEM", e);
    }
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING pkcs1 } (RFC 5208). */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
    inner.writeBytes(RSA_ALGORITHM);
    inner.write(0x04);
    writeLength(inner, pkcs1.length);
    inner.writeBytes(pkcs1);
    ByteArrayOutputStream outer = new ByteArrayOutputStream();
    outer.write(0x30);
    writeLength(outer, inner.size());
    outer.writeBytes(inner.toByteArray());
    return outer.toByteArray();
  }

  /** A DER definite length: short form below 128, else 0x80 + byte count, then big-endian. */
  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(length >>> (8 * i));
    }
  }
}
