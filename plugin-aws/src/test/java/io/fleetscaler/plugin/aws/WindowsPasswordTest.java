package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ProviderException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/** The Windows password EC2 encrypts with the key pair's public half comes back in clear. */
class WindowsPasswordTest {
  private static final KeyPair PAIR = rsa();

  @Test
  void decryptsWithAPkcs8Key() throws Exception {
    String data = encrypt(PAIR.getPublic(), "Pa55-w0rd!é");
    assertThat(WindowsPassword.decrypt(data, pem("PRIVATE KEY", PAIR.getPrivate().getEncoded())))
        .isEqualTo("Pa55-w0rd!é");
  }

  @Test
  void decryptsWithAPkcs1KeyAsEc2HandsThemOut() throws Exception {
    String data = encrypt(PAIR.getPublic(), "another secret");
    byte[] pkcs1 = pkcs1Of(PAIR.getPrivate().getEncoded());
    assertThat(WindowsPassword.decrypt(data, pem("RSA PRIVATE KEY", pkcs1)))
        .isEqualTo("another secret");
  }

  @Test
  void wrappingPkcs1GivesTheJdksOwnPkcs8Encoding() {
    byte[] pkcs8 = PAIR.getPrivate().getEncoded();
    assertThat(WindowsPassword.pkcs1ToPkcs8(pkcs1Of(pkcs8))).isEqualTo(pkcs8);
  }

  @Test
  void theWrongKeyIsInvalidConfig() throws Exception {
    String data = encrypt(PAIR.getPublic(), "secret");
    KeyPair other = rsa();
    assertThatThrownBy(
            () ->
                WindowsPassword.decrypt(data, pem("PRIVATE KEY", other.getPrivate().getEncoded())))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageNotContaining("secret ");
  }

  @Test
  void aKeyThatIsNotPemRsaIsInvalidConfig() {
    assertThatThrownBy(() -> WindowsPassword.decrypt("AAAA", "ssh-ed25519 AAAA"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("PEM RSA private key");
  }

  static String encrypt(PublicKey key, String password) throws GeneralSecurityException {
    Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsa.init(Cipher.ENCRYPT_MODE, key);
    return Base64.getEncoder()
        .encodeToString(rsa.doFinal(password.getBytes(StandardCharsets.UTF_8)));
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: its third element's OCTET STRING. */
  static byte[] pkcs1Of(byte[] pkcs8) {
    ByteBuffer der = ByteBuffer.wrap(pkcs8);
    expect(der, 0x30);
    length(der);
    expect(der, 0x02);
    skip(der, length(der));
    expect(der, 0x30);
    skip(der, length(der));
    expect(der, 0x04);
    int n = length(der);
    return Arrays.copyOfRange(pkcs8, der.position(), der.position() + n);
  }

  private static void skip(ByteBuffer der, int n) {
    der.position(der.position() + n);
  }

  private static void expect(ByteBuffer der, int tag) {
    int actual = der.get() & 0xff;
    if (actual != tag) {
      throw new AssertionError("DER tag " + actual + " where " + tag + " was expected");
    }
  }

  private static int length(ByteBuffer der) {
    int first = der.get() & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      n = (n << 8) | (der.get() & 0xff);
    }
    return n;
  }
}
