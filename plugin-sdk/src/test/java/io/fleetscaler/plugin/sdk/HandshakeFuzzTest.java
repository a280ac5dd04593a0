package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a plugin prints, the host fails with a launch error, never with anything else. */
class HandshakeFuzzTest {
  private static final String CERT =
      SelfSignedCertificate.generate(Instant.parse("2026-01-01T00:00:00Z")).handshakeField();

  @Property(tries = 500)
  void arbitraryTextIsALaunchError(@ForAll("lines") String line) {
    assertThatThrownBy(() -> Handshake.parse(line, 1)).isInstanceOf(PluginLaunchException.class);
  }

  @Property(tries = 500)
  void aDamagedGoodLineIsALaunchErrorOrStillValid(
      @ForAll("positions") int position, @ForAll("junk") String junk) {
    String good = "1|1|unix|/tmp/plugin1|grpc|" + CERT;
    int at = Math.min(position, good.length());
    String damaged = good.substring(0, at) + junk + good.substring(Math.min(good.length(), at + 3));
    try {
      Handshake.parse(damaged, 1);
    } catch (PluginLaunchException expected) {
      // A clear refusal is what the host wants; any other exception fails the property.
    }
  }

  @Provide
  Arbitrary<String> lines() {
    // Without a 6th field of at least 50 characters no line can be valid.
    return Arbitraries.strings().withChars("1|unixtcpgrpc:/0 \t\n").ofMaxLength(60);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 400);
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().all().ofMaxLength(4);
  }
}
