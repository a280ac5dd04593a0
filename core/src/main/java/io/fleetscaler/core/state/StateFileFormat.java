package io.fleetscaler.core.state;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The state file's text format, and writing it; {@link StateFileParser} reads it back. A
 * line-oriented text file, so an operator can read it:
 *
 * <pre>
 * fleetscaler-state 1
 * group aws%2Feu-west-1%2Fci
 * capacity 2
 * expect 2026-12-06T05:00:00Z 2
 * instance i-0abc claims=3 uses=2 deletion=-
 * instance i-0def claims=0 uses=0 deletion=- standby
 * connect protocol=ssh port=22 username=core password=~ key=-----BEGIN... os=linux arch=amd64 ...
 * hold runner-1%2Fjob-7 0 acquired
 * end 1 1
 * </pre>
 *
 * Strings are URL-encoded and {@code ~} stands for null (an encoded string never contains a raw
 * {@code ~}); {@code expect} lines (optional, absent from files saved before they were kept) say
 * how many instances asked for at that time the cloud has not listed yet; {@code connect} and
 * {@code hold} lines belong to the {@code instance} line above them; a trailing {@code standby}
 * marks a member of the standby pool (files saved before it was kept marked one {@code
 * deletion=standby}, which still reads as one); the {@code end} line (instances, holdings) proves
 * the file is whole.
 *
 * <p>Stateless: static methods only, called on whichever thread saves ({@link FileStateStore#save},
 * the state writer's thread in the scaler).
 */
final class StateFileFormat {
  static final String MAGIC = "fleetscaler-state 1";
  static final String NULL = "~";

  private StateFileFormat() {}

  /** Writes {@code state} in this format; the caller flushes and syncs. */
  static void write(StoredState state, BufferedWriter out) throws IOException {
    out.write(MAGIC + "\n");
    out.write("group " + encode(state.groupId()) + "\n");
    out.write("capacity " + state.capacityPerInstance() + "\n");
    writeExpected(state.expectedCreations(), out);
    int holdings = 0;
    for (StoredInstance i : state.instances()) {
      String deletion = i.deletion();
      out.write(
          String.format(
              Locale.ROOT,
              "instance %s claims=%d uses=%d deletion=%s%s%n",
              encode(i.id()),
              i.claims(),
              i.completedUses(),
              deletion == null ? "-" : encode(deletion),
              i.standby() ? " standby" : ""));
      ConnectInfo c = i.connectInfo();
      if (c != null) {
        out.write(connectLine(c));
      }
      for (Holding h : i.holdings()) {
        out.write(
            "hold "
                + encode(h.key())
                + " "
                + h.index()
                + (h.acquired() ? " acquired" : " reserved")
                + "\n");
        holdings++;
      }
    }
    out.write("end " + state.instances().size() + " " + holdings + "\n");
  }

  /** One {@code expect} line per run of equal times; none at all when nothing is expected. */
  private static void writeExpected(List<Instant> expected, BufferedWriter out) throws IOException {
    for (int i = 0; i < expected.size(); ) {
      Instant at = expected.get(i);
      int j = i;
      while (j < expected.size() && expected.get(j).equals(at)) {
        j++;
      }
      out.write("expect " + at + " " + (j - i) + "\n");
      i = j;
    }
  }

  private static String connectLine(ConnectInfo c) {
    ConnectorConfig k = c.connector();
    Instant expires = c.expires();
    return String.join(
            " ",
            "connect",
            "protocol=" + encode(k.protocol().wireName()),
            "port=" + k.protocolPort(),
            "username=" + encode(k.username()),
            "password=" + nullable(k.password()),
            "key=" + nullable(k.privateKey()),
            "os=" + encode(k.os()),
            "arch=" + encode(k.arch()),
            "static=" + k.useStaticCredentials(),
            "keepalive=" + k.keepalive(),
            "timeout=" + k.timeout(),
            "internal=" + encode(c.internalAddr()),
            "external=" + encode(c.externalAddr()),
            "expires=" + (expires == null ? NULL : expires.toString()))
        + "\n";
  }

  private static String nullable(@Nullable String s) {
    return s == null ? NULL : encode(s);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
