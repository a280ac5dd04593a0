package io.fleetscaler.plugin.sdk.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The OpenSSH public key line is what RFC 4253 and RFC 8709 say, and belongs to the key. */
class SshKeyPairTest {

  @RepeatedTest(20)
  void theAuthorizedKeyLineCarriesTheKeyThatVerifiesItsPrivateHalf() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String line = SshKeyPair.authorizedKeyLine(pair.getPublic().getEncoded());

    String[] fields = line.split(" ", -1);
    assertThat(fields).hasSize(3);
    assertThat(fields[0]).isEqualTo("ssh-ed25519");
    assertThat(fields[2]).isEqualTo("fleetscaler");
    ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(fields[1]));
    assertThat(new String(sshString(blob), StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519");
    byte[] raw = sshString(blob);
    assertThat(raw).hasSize(32);
    assertThat(blob.hasRemaining()).as("nothing after the key").isFalse();

    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    signer.update(new byte[] {4, 2});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(fromRaw(raw));
    verifier.update(new byte[] {4, 2});
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void generatedPairsAreFreshAndRedactedInToString() {
    SshKeyPair a = SshKeyPair.generate();
    SshKeyPair b = SshKeyPair.generate();
    assertThat(a.authorizedKey()).startsWith("ssh-ed25519 ").isNotEqualTo(b.authorizedKey());
    assertThat(a.privateKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(a.toString()).doesNotContain(a.privateKeyPem()).contains("<redacted>");
  }

  @Test
  void aKeyOfAnotherTypeIsRefused() throws Exception {
    byte[] rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> SshKeyPair.authorizedKeyLine(rsa))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519");
  }

  private static byte[] sshString(ByteBuffer blob) {
    byte[] bytes = new byte[blob.getInt()];
    blob.get(bytes);
    return bytes;
  }

  private static PublicKey fromRaw(byte[] raw) throws Exception {
    byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    byte[] spki = Arrays.copyOf(prefix, prefix.length + raw.length);
    System.arraycopy(raw, 0, spki, prefix.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
  }
}
