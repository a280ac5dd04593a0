# shellcheck shell=sh
# Sourced by ./mvnw before Maven starts, by ./fleetscaler, and (copied into lib/) by the
# launchers of the binary distribution. Fleetscaler compiles for Java 21 and runs its build
# tools (Error Prone, google-java-format) inside Maven's own JVM, so Maven must run on a
# JDK >= 21; the daemon and its plugins need a Java 21+ runtime. This picks one by itself
# when JAVA_HOME and the `java` on PATH are older, and otherwise stops with a message that
# says what to install or set.
#
#   FLEETSCALER_JAVA_PURPOSE  "build" (default: a JDK, with javac) or "run" (a runtime will do)
#   FLEETSCALER_JAVA_DIRS     extra directories, separated by ':', each holding Java installations
#                             (searched before the usual places)

fleetscaler_java_major() {
  # Prints the major version of the `java` executable given as $1 (e.g. 17, 21, 25), or 0.
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) + 0; exit }' || echo 0
}

fleetscaler_select_jdk() {
  fs_min=21
  fs_purpose=${FLEETSCALER_JAVA_PURPOSE:-build}
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    fs_have=$(fleetscaler_java_major "$JAVA_HOME/bin/java")
    [ "${fs_have:-0}" -ge "$fs_min" ] && return 0
    fs_found="JAVA_HOME=$JAVA_HOME is Java $fs_have"
  elif command -v java >/dev/null 2>&1; then
    fs_have=$(fleetscaler_java_major java)
    [ "${fs_have:-0}" -ge "$fs_min" ] && return 0
    fs_found="the java on PATH is Java $fs_have"
  else
    fs_found="no java on PATH and JAVA_HOME is not set"
  fi
  fs_best=""
  fs_best_major=0
  set +f # mvnw runs with globbing off; the search below needs it
  fs_extra=""
  fs_ifs=$IFS
  IFS=:
  for fs_root in ${FLEETSCALER_JAVA_DIRS-}; do
    [ -n "$fs_root" ] && fs_extra="$fs_extra $fs_root/*"
  done
  IFS=$fs_ifs
  # shellcheck disable=SC2086 # the extra roots are globs, expanded on purpose
  for fs_dir in $fs_extra /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "${HOME-}"/.sdkman/candidates/java/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$fs_dir/bin/java" ] || continue
    [ "$fs_purpose" = run ] || [ -x "$fs_dir/bin/javac" ] || continue
    fs_major=$(fleetscaler_java_major "$fs_dir/bin/java")
    if [ "${fs_major:-0}" -ge "$fs_min" ] && [ "$fs_major" -gt "$fs_best_major" ]; then
      fs_best=$fs_dir
      fs_best_major=$fs_major
    fi
  done
  set -f
  if [ -z "$fs_best" ]; then
    if [ "$fs_purpose" = run ]; then fs_what="Java $fs_min or newer to run"; else fs_what="a JDK $fs_min or newer to build"; fi
    echo "Fleetscaler needs $fs_what, but $fs_found and none was found" >&2
    echo "under ${FLEETSCALER_JAVA_DIRS:+$FLEETSCALER_JAVA_DIRS, }/usr/lib/jvm, /usr/java, /opt/java or ~/.sdkman. Install one (for example" >&2
    echo "'apt-get install openjdk-21-jdk-headless', or Temurin 21+) and set JAVA_HOME to it." >&2
    exit 1
  fi
  [ -n "${MVNW_VERBOSE-}" ] && echo "fleetscaler: $fs_found; using Java $fs_best_major at $fs_best" >&2
  JAVA_HOME=$fs_best
  export JAVA_HOME
}

fleetscaler_select_jdk
