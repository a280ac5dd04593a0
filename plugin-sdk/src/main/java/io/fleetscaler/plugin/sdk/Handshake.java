package io.fleetscaler.plugin.sdk;

import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * A plugin's handshake line as go-plugin defines it: {@code
 * CORE|APP|NETWORK|ADDRESS|PROTOCOL[|SERVER-CERT[|MUX]]}.
 *
 * @param appVersion the app protocol version the plugin chose
 * @param network {@code unix} or {@code tcp}
 * @param address a socket path or {@code host:port}
 * @param serverCertificate the plugin's AutoMTLS certificate (field 6)
 */
record Handshake(
    int appVersion, String network, String address, X509Certificate serverCertificate) {

  /** go-plugin's core protocol version, the first field. */
  static final String CORE_VERSION = "1";

  /** go-plugin ignores a certificate field this short; so do we. */
  private static final int MIN_CERT_FIELD = 50;

  /**
   * Parses and checks a handshake line for a host that speaks app version {@code expectedApp} and
   * sent a client certificate (so the plugin must answer with its own).
   *
   * @throws PluginLaunchException naming what is wrong with the line
   */
  static Handshake parse(String line, int expectedApp) {
    String trimmed = line.strip();
    String[] fields = trimmed.split("\\|", -1);
    if (fields.length == 1 && !trimmed.isEmpty()) {
      // A plugin that refuses its launch says why here, where every go-plugin host reads it.
      throw new PluginLaunchException(
          "plugin printed '" + shorten(trimmed) + "' instead of its handshake line");
    }
    if (fields.length < 4) {
      throw bad(trimmed, fields.length + " fields, at least 4 are needed");
    }
    if (!fields[0].equals(CORE_VERSION)) {
      throw bad(
          trimmed,
          "go-plugin core protocol '" + fields[0] + "', but this host speaks " + CORE_VERSION);
    }
    int app;
    try {
      app = Integer.parseInt(fields[1]);
    } catch (NumberFormatException e) {
      throw bad(trimmed, "app protocol version '" + fields[1] + "' is not a number");
    }
    if (app != expectedApp) {
      throw bad(
          trimmed, "plugin protocol version " + app + ", but this host speaks " + expectedApp);
    }
    String network = fields[2];
    if (!network.equals("unix") && !network.equals("tcp")) {
      throw bad(trimmed, "network '" + network + "' is neither unix nor tcp");
    }
    String address = fields[3];
    if (address.isEmpty()) {
      throw bad(trimmed, "address is empty");
    }
    if (network.equals("tcp") && !validTcpAddress(address)) {
      throw bad(trimmed, "tcp address '" + address + "' is not host:port with a port in 1-65535");
    }
    String protocol = fields.length > 4 ? fields[4] : "netrpc";
    if (!protocol.equals("grpc")) {
      throw bad(
          trimmed, "protocol '" + protocol + "' is not grpc (net/rpc plugins are not supported)");
    }
    if (fields.length < 6 || fields[5].length() < MIN_CERT_FIELD) {
      throw bad(
          trimmed,
          "no server certificate although the host asked for mutual TLS" + " (PLUGIN_CLIENT_CERT)");
    }
    X509Certificate certificate;
    try {
      certificate = SelfSignedCertificate.parseHandshakeField(fields[5]);
    } catch (IllegalArgumentException e) {
      throw bad(trimmed, String.valueOf(e.getMessage()));
    }
    return new Handshake(app, network, address, certificate);
  }

  private static boolean validTcpAddress(String address) {
    if (!address.matches(".+:\\d{1,5}")) {
      return false;
    }
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65_535;
  }

  private static PluginLaunchException bad(String line, String why) {
    return new PluginLaunchException("bad plugin handshake '" + shorten(line) + "': " + why);
  }

  private static String shorten(String line) {
    // The certificate field is long and says nothing to a reader.
    String[] fields = line.split("\\|", -1);
    if (fields.length > 5 && fields[5].length() > 16) {
      fields[5] = fields[5].substring(0, 12) + "...";
    }
    String joined = String.join("|", Arrays.asList(fields));
    return joined.length() > 300 ? joined.substring(0, 300) + "..." : joined;
  }
}
