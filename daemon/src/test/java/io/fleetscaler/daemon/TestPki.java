package io.fleetscaler.daemon;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: a CA and certificates it signs for {@code
 * localhost}/{@code 127.0.0.1}, written as PEM files (keys as PKCS#8, mode 0600) in a directory.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final String name;
  private final KeyPair caKey;
  private final X509Certificate caCert;

  /** A new CA called {@code name}, writing its files into {@code dir}. */
  TestPki(Path dir, String name) throws Exception {
    this.dir = dir;
    this.name = name;
    this.caKey = keyPair();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    JcaX509v3CertificateBuilder b = builder(subject, subject, caKey);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    this.caCert = sign(b, caKey);
  }

  /** The CA certificate's PEM file. */
  Path caFile() throws IOException {
    return write(name + "-ca.crt", pem("CERTIFICATE", caCertEncoded()), false);
  }

  /**
   * Issues a certificate for {@code localhost} and {@code 127.0.0.1}, good for server and client
   * authentication.
   *
   * @return the certificate's and the key's files
   */
  Path[] issue(String cn) throws Exception {
    KeyPair key = keyPair();
    JcaX509v3CertificateBuilder b =
        builder(new X500Name("CN=" + name + " test CA"), new X500Name("CN=" + cn), key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
    b.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    X509Certificate cert = sign(b, caKey);
    Path certFile = write(cn + ".crt", pem("CERTIFICATE", cert.getEncoded()), false);
    Path keyFile = write(cn + ".key", pem("PRIVATE KEY", key.getPrivate().getEncoded()), true);
    return new Path[] {certFile, keyFile};
  }

  private byte[] caCertEncoded() throws IOException {
    try {
      return caCert.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private Path write(String file, String content, boolean secret) throws IOException {
    Path path = dir.resolve(file);
    Files.writeString(path, content);
    Files.setPosixFilePermissions(
        path, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
    return path;
  }

  private static String pem(String type, byte[] der) {
    StringWriter w = new StringWriter();
    w.write("-----BEGIN " + type + "-----\n");
    w.write(
        Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(der));
    w.write("\n-----END " + type + "-----\n");
    return w.toString();
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        key.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }
}
