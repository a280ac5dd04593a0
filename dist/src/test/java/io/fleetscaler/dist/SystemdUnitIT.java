package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped systemd unit ({@code deploy/systemd/fleetscaler.service}) as systemd reads it: {@code
 * systemd-analyze verify} accepts it without a single warning with the distribution's launcher at
 * {@code ExecStart}, and {@code systemd-analyze security} rates its sandbox at exposure 2.0 or
 * better.
 */
class SystemdUnitIT {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void systemdAcceptsTheUnitWithTheDistributionsLauncher() throws Exception {
    Path unit = installedUnit();
    Commands.Result verify =
        Commands.run(List.of(systemdAnalyze(), "verify", unit.toString()), BOUND);

    assertThat(verify.status()).as(verify.output()).isZero();
    assertThat(verify.output()).as("systemd-analyze verify warnings").isBlank();
  }

  @Test
  void systemdRejectsAMisspelledDirectiveSoTheCheckAboveCanFail() throws Exception {
    Path unit = installedUnit();
    Files.writeString(unit, Files.readString(unit).replace("ProtectHome=", "ProtectHomes="));
    Commands.Result verify =
        Commands.run(List.of(systemdAnalyze(), "verify", unit.toString()), BOUND);

    assertThat(verify.output()).contains("Unknown key").contains("ProtectHomes");
  }

  @Test
  void theUnitIsHardened() throws Exception {
    Path unit = installedUnit();
    String text = Files.readString(unit);
    assertThat(text)
        .contains("DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=fleetscaler")
        .contains("ExecReload=/bin/kill -HUP $MAINPID", "KillMode=mixed");
    // Exposure 2.0 or better ("OK"), by systemd's own scoring.
    Commands.Result security =
        Commands.run(
            List.of(
                systemdAnalyze(), "security", "--offline=true", "--threshold=20", unit.toString()),
            BOUND);
    assertThat(security.status()).as(security.output()).isZero();
    assertThat(security.output()).contains("Overall exposure level");
    System.out.println(
        "systemd-analyze security: "
            + security.output().lines().filter(l -> l.contains("Overall")).findFirst().orElse(""));
  }

  /** The unit with ExecStart pointing at the unpacked distribution instead of /opt/fleetscaler. */
  private Path installedUnit() throws Exception {
    Path home = Commands.unpackDistribution(Files.createDirectories(dir.resolve("dist")));
    Path shipped = home.resolve("deploy/systemd/fleetscaler.service");
    assertThat(shipped).isRegularFile();
    Path unit = dir.resolve("fleetscaler.service");
    Files.writeString(unit, Files.readString(shipped).replace("/opt/fleetscaler", home.toString()));
    return unit;
  }

  private static String systemdAnalyze() {
    assertThat(Commands.onPath("systemd-analyze"))
        .as("systemd-analyze is not installed: apt-get install systemd (.ci/run installs it)")
        .isTrue();
    return "systemd-analyze";
  }
}
