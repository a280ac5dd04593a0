# shellcheck shell=sh
# Sourced by the launchers in bin/: finds a Java 21+ runtime (lib/select-jdk.sh) and runs one of
# Fleetscaler's main classes from lib/fleetscaler.jar.
#
#   JAVA_HOME            a Java 21+ installation to use (else the java on PATH, else a search)
#   FLEETSCALER_OPTS     extra JVM options of the daemon (bin/fleetscaler), e.g. "-Xmx512m"; they
#                        come after the defaults below, so any of them overrides its default
#   FLEETSCALER_PLUGIN_OPTS  extra JVM options of a plugin (bin/fleeting-plugin-*), after the
#                        plugin defaults; the same variable the daemon reads for the plugin JVMs
#                        it starts itself, so a plugin gets the same options whoever starts it
#   FLEETSCALER_JVM_DEFAULTS  "none" to leave heap and GC to the JVM's own ergonomics
#   FLEETSCALER_JAVA_DIRS  extra directories to search for Java installations (see select-jdk.sh)
#   FLEETSCALER_PLUGIN_LIB a directory under lib/ whose jars go before the daemon's jar (set by the
#                          launchers of providers shipped apart, e.g. gcp)

# The JVM defaults of a plugin process (a quiet JVM whose fixed cost dominates its memory): the
# same list, in the same order, as the daemon's PluginJvmOptions.DEFAULTS for the plugin JVMs it
# starts itself, which explains each one (DistributionIT checks that the two agree).
FLEETSCALER_PLUGIN_DEFAULTS="-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -Xms8m -XX:MinHeapFreeRatio=10"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -XX:MaxHeapFreeRatio=30 -Xss512k"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -XX:ReservedCodeCacheSize=32m"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -XX:MaxMetaspaceSize=256m -XX:-UsePerfData"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1"
FLEETSCALER_PLUGIN_DEFAULTS="$FLEETSCALER_PLUGIN_DEFAULTS -Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=6"

fleetscaler_exec_plugin() {
  # fleetscaler_exec_plugin HOME MAIN_CLASS ARGS...: fleetscaler_exec for a plugin's main, started
  # by a host (ours, or a Go go-plugin host such as GitLab Runner's): the plugin JVM defaults, then
  # FLEETSCALER_PLUGIN_OPTS; the daemon's FLEETSCALER_OPTS do not apply.
  fs_defaults=$FLEETSCALER_PLUGIN_DEFAULTS
  fs_opts=${FLEETSCALER_PLUGIN_OPTS-}
  fleetscaler_run "$@"
}

fleetscaler_exec() {
  # fleetscaler_exec HOME MAIN_CLASS ARGS...: runs the daemon's CLI with its defaults (below),
  # then FLEETSCALER_OPTS.
  # Memory that follows the fleet, not the machine: the serial collector (one GC thread, least
  # native overhead) with a small initial heap that grows with what is live and is given back when
  # it is free, and small thread stacks. The JVM's ergonomics otherwise size the heap by the
  # machine's RAM (benchmarks/daemon-rss.sh measures both in one run and reports the figures).
  # gRPC's Netty pools buffers in 512 KB chunks instead of 2 MB: requests are small, and a larger
  # message (a plugin's Update of thousands of instances) gets buffers of its own, freed at once.
  fs_defaults="-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k"
  fs_defaults="$fs_defaults -Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=6"
  fs_opts=${FLEETSCALER_OPTS-}
  fleetscaler_run "$@"
}

fleetscaler_run() {
  # fleetscaler_run HOME MAIN_CLASS ARGS...: replaces the shell with the JVM, so signals
  # (SIGTERM, SIGHUP) and the exit status are the Java process's own, and stdout stays clean for
  # a plugin's handshake line. $fs_defaults (unless FLEETSCALER_JVM_DEFAULTS=none), then $fs_opts.
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
  # The version as "FEATURE UPDATE" ("21.0.8" -> "21 8", "25" -> "25 0"), from one java -version.
  fs_version=$("$fs_java" -version 2>&1 | awk -F'"' '/version/ {
    split($2, v, /[^0-9]+/); print (v[1] == 1 ? v[2] : v[1]) + 0, v[3] + 0; exit }') || true
  fs_feature=${fs_version%% *}
  fs_update=${fs_version#* }
  [ -n "$fs_feature" ] || fs_feature=0
  [ -n "$fs_update" ] || fs_update=0
  if [ "$fs_feature" -ge 24 ]; then
    fs_flags="$fs_flags --sun-misc-unsafe-memory-access=allow"
  fi
  fs_cp="$fs_home/lib/fleetscaler.jar"
  if [ -n "${FLEETSCALER_PLUGIN_LIB-}" ]; then
    fs_cp="$fs_home/lib/$FLEETSCALER_PLUGIN_LIB/*:$fs_cp"
  fi
  if [ "${FLEETSCALER_JVM_DEFAULTS-}" != none ]; then
    fs_flags="$fs_flags $fs_defaults"
    # For daemon and plugins alike, on a Java that has them (PluginJvmOptions.byVersion, the same):
    # glibc keeps the native memory the JVM frees (a burst of buffers, the compiler's arenas)
    # unless trimmed, so trim it every 5 s (a product option since 22 and 21.0.4); 8-byte object
    # headers (Java 25+).
    if [ "$fs_feature" -ge 22 ] || { [ "$fs_feature" -eq 21 ] && [ "$fs_update" -ge 4 ]; }; then
      fs_flags="$fs_flags -XX:TrimNativeHeapInterval=5000"
    fi
    if [ "$fs_feature" -ge 25 ]; then
      fs_flags="$fs_flags -XX:+UseCompactObjectHeaders"
    fi
  fi
  # shellcheck disable=SC2086 # word splitting of the option strings is intended
  exec "$fs_java" $fs_flags $fs_opts -Dfleetscaler.home="$fs_home" -cp "$fs_cp" "$fs_main" "$@"
}
