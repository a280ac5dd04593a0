# shellcheck shell=sh
# Sourced by the launchers in bin/: finds a Java 21+ runtime (lib/select-jdk.sh) and runs one of
# Fleetscaler's main classes from lib/fleetscaler.jar.
#
#   JAVA_HOME            a Java 21+ installation to use (else the java on PATH, else a search)
#   FLEETSCALER_OPTS     extra JVM options, e.g. "-Xmx512m"; they come after the defaults below,
#                        so any of them overrides its default
#   FLEETSCALER_JVM_DEFAULTS  "none" to leave heap and GC to the JVM's own ergonomics
#   FLEETSCALER_JAVA_DIRS  extra directories to search for Java installations (see select-jdk.sh)
#   FLEETSCALER_PLUGIN_LIB a directory under lib/ whose jars go before the daemon's jar (set by the
#                          launchers of providers shipped apart, e.g. gcp)

fleetscaler_exec() {
  # fleetscaler_exec HOME MAIN_CLASS ARGS...: replaces the shell with the JVM, so signals
  # (SIGTERM, SIGHUP) and the exit status are the Java process's own, and stdout stays clean for
  # a plugin's handshake line.
  fs_home=$1
  fs_main=$2
  shift 2
  FLEETSCALER_JAVA_PURPOSE=run
  . "$fs_home/lib/select-jdk.sh"
  set +f
  fs_java=${JAVA_HOME:+$JAVA_HOME/bin/}java
  # Netty's native transport and Protobuf use restricted JDK APIs; allow them instead of being
  # warned on every start.
  fs_flags="--enable-native-access=ALL-UNNAMED"
  if [ "$(fleetscaler_java_major "$fs_java")" -ge 24 ]; then
    fs_flags="$fs_flags --sun-misc-unsafe-memory-access=allow"
  fi
  fs_cp="$fs_home/lib/fleetscaler.jar"
  if [ -n "${FLEETSCALER_PLUGIN_LIB-}" ]; then
    fs_cp="$fs_home/lib/$FLEETSCALER_PLUGIN_LIB/*:$fs_cp"
  fi
  # Memory that follows the fleet, not the machine: the serial collector (one GC thread, least
  # native overhead) with a small initial heap that grows with what is live and is given back when
  # it is free, and small thread stacks. The JVM's ergonomics otherwise size the heap by the
  # machine's RAM (benchmarks/daemon-rss.sh measures both in one run and reports the figures).
  if [ "${FLEETSCALER_JVM_DEFAULTS-}" != none ]; then
    fs_flags="$fs_flags -XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
    fs_flags="$fs_flags -Xss512k"
  fi
  # shellcheck disable=SC2086 # word splitting of the option strings is intended
  exec "$fs_java" $fs_flags ${FLEETSCALER_OPTS-} -Dfleetscaler.home="$fs_home" -cp "$fs_cp" "$fs_main" "$@"
}
