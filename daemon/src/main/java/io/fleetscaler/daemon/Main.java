package io.fleetscaler.daemon;

import io.fleetscaler.daemon.config.LogFormat;
import io.fleetscaler.daemon.logging.LogOutput;
import io.fleetscaler.daemon.simulate.SimulateCommand;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetscaler} command line. Exit status: 0 on success, 2 on a usage error. */
@Command(
    name = "fleetscaler",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Autoscales fleets of CI runner VMs.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      VersionCommand.class,
      SimulateCommand.class
    })
public final class Main {

  private Main() {}

  /** One line per log record: time, level, logger, message. */
  static final String LOG_FORMAT = LogOutput.TEXT_PATTERN;

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
    }
    // Text until a command knows better: run switches to the configured format.
    LogOutput.install(LogFormat.TEXT);
    System.exit(commandLine().execute(args));
  }

  /** JVM options about memory that plugin subprocesses inherit from the daemon. */
  private static final Pattern MEMORY_OPTION =
      Pattern.compile(
          "-Xm[sx]\\d+[kKmMgG]?|-Xss\\d+[kKmMgG]?|-XX:[+-]Use\\w+GC"
              + "|-XX:(Min|Max)HeapFreeRatio=\\d+|-XX:(Max|Min|Initial)RAMPercentage=[\\d.]+");

  /**
   * JVM flags for the Java processes the daemon starts (built-in plugins): Netty's native transport
   * and Protobuf use restricted JDK APIs, which newer JDKs warn about on every start; and the
   * daemon's own memory options, so a plugin's heap follows its fleet as the daemon's does.
   */
  static List<String> childJvmFlags() {
    List<String> flags = new ArrayList<>();
    flags.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      flags.add("--sun-misc-unsafe-memory-access=allow");
    }
    flags.add("-Djava.util.logging.SimpleFormatter.format=" + LOG_FORMAT);
    // The daemon's heap, stack and GC options: the launcher's defaults and FLEETSCALER_OPTS.
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (MEMORY_OPTION.matcher(arg).matches()) {
        flags.add(arg);
      }
    }
    return flags;
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fleetscaler " + VersionCommand.productVersion()};
    }
  }
}
