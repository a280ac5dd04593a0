package io.fleetscaler.plugin.sdk;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A fresh ECDSA key (P-256 unless asked otherwise) and a self-signed certificate for {@code
 * localhost}, as AutoMTLS uses on both ends: each side makes one per launch, keeps the key in
 * memory only, and trusts exactly the peer's certificate. The certificate is a CA, like
 * go-plugin's, so that Go's verifier accepts it as its own root; it is valid for both server and
 * client authentication.
 *
 * <p>Validity is one year from one minute before now: the key never leaves the process, and a
 * plugin lives as long as its host, whose reconnects must keep working.
 *
 * @param certificate the certificate
 * @param privateKey its key; never logged or written anywhere
 */
record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
  private static final Duration VALIDITY = Duration.ofDays(365);

  @Override
  public String toString() {
    return "SelfSignedCertificate[" + certificate.getSubjectX500Principal() + "]";
  }

  /**
   * The ECDSA curves a certificate may use, with the signature each signs its certificate with. Our
   * own ends use {@link #P256}; go-plugin's AutoMTLS uses {@link #P521}, and {@link MutualTls}
   * accepts peers on any of them.
   */
  enum Curve {
    P256("secp256r1", "SHA256withECDSA"),
    P384("secp384r1", "SHA384withECDSA"),
    P521("secp521r1", "SHA512withECDSA");

    private final String jcaName;
    private final String signature;

    Curve(String jcaName, String signature) {
      this.jcaName = jcaName;
      this.signature = signature;
    }
  }

  /** Generates a P-256 key pair and certificate, valid from {@code now}. */
  static SelfSignedCertificate generate(Instant now) {
    return generate(now, Curve.P256);
  }

  /** Generates a key pair on {@code curve} and a certificate, valid from {@code now}. */
  static SelfSignedCertificate generate(Instant now, Curve curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve.jcaName));
      KeyPair keys = generator.generateKeyPair();
      X500Name name = new X500Name("CN=localhost,O=Fleetscaler plugin");
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofMinutes(1))),
              Date.from(now.plus(VALIDITY)),
              name,
              keys.getPublic());
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(
                  KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }))
          .addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
      var signer = new JcaContentSignerBuilder(curve.signature).build(keys.getPrivate());
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new SelfSignedCertificate(certificate, keys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot generate a TLS certificate", e);
    }
  }

  /** The certificate as PEM, the form of {@code PLUGIN_CLIENT_CERT}. */
  String pem() {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der(certificate))
        + "\n-----END CERTIFICATE-----\n";
  }

  /** The certificate's DER in base64 without padding, the form of handshake field 6. */
  String handshakeField() {
    return Base64.getEncoder().withoutPadding().encodeToString(der(certificate));
  }

  /**
   * Reads the first certificate of PEM text.
   *
   * @throws IllegalArgumentException if the text holds no readable certificate
   */
  static X509Certificate parsePem(String pem) {
    return parse(pem.getBytes(StandardCharsets.US_ASCII), "PEM certificate");
  }

  /**
   * Reads handshake field 6: base64 (padded or not) of a DER certificate.
   *
   * @throws IllegalArgumentException if the field is not such a certificate
   */
  static X509Certificate parseHandshakeField(String field) {
    byte[] der;
    try {
      // Java's decoder accepts base64 with or without padding.
      der = Base64.getDecoder().decode(field.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "server certificate field is not base64: " + e.getMessage(), e);
    }
    return parse(der, "server certificate field");
  }

  private static X509Certificate parse(byte[] bytes, String what) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException(
          what + " is not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode certificate", e);
    }
  }
}
