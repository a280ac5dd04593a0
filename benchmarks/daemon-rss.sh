#!/usr/bin/env bash
# Resident memory of the daemon at 10 000 simulated instances in steady state, with the
# launcher's JVM defaults against the JVM's own ergonomics (FLEETSCALER_JVM_DEFAULTS=none), both
# measured in this run on this machine. Target: <= 256 MB with the defaults.
#
#   benchmarks/daemon-rss.sh [DIST_HOME]   default: the distribution built by
#                                          ./mvnw -pl dist -am package -DskipTests
#
# Each configuration runs twice: with the simulated plugin in the daemon's JVM (--in-process) and
# as the usual plugin subprocess (the figure is then the daemon's RSS plus its children's, each
# shown too). It waits until all 10 000 instances are ready, lets the fleet idle for 30 s and reads
# VmRSS from /proc twice, 60 s apart: steady state means the second reading is the figure.
#
#   FLEETSCALER_RSS_ROWS=defaults   only the two rows with the launcher's (and plugins') defaults
#   FLEETSCALER_RSS_ROWS=subprocess only the row with the defaults and the plugin as a subprocess
#   FLEETSCALER_PLUGIN_OPTS=...     JVM options for the plugin process, after its defaults
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
home=${1:-$(ls -d "$root"/dist/target/fleetscaler-*-bin/fleetscaler-* 2>/dev/null | head -n 1)}
[[ -x $home/bin/fleetscaler ]] || { echo "no distribution at '$home'; build it first" >&2; exit 2; }
instances=${FLEETSCALER_RSS_INSTANCES:-10000}

running=""
trap '[[ -n $running ]] && kill "$running" 2>/dev/null || true' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rss_mb() { # rss_mb PID...: the processes' RSS summed, in MB
  for p in "$@"; do
    awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true
  done | awk '{s += $1} END {print int(s / 1024)}'
}

rss_line() { # rss_line PID: "total MB (daemon MB + plugins MB)" for the process and its children
  local children
  children=$(ps -o pid= --ppid "$1" | tr '\n' ' ' || true)
  # shellcheck disable=SC2086 # one pid per word
  printf '%s MB (daemon %s + plugins %s)' "$(rss_mb "$1" $children)" "$(rss_mb "$1")" \
    "$(rss_mb $children)"
}

measure() { # measure LABEL [--in-process]: runs one daemon with the environment given, prints one line
  local label=$1 mode=${2:-} port pid start ready r a b
  port=$(free_port)
  # shellcheck disable=SC2086 # $mode is empty or one flag
  "$home/bin/fleetscaler" run $mode --grpc-listen 127.0.0.1:0 \
    --http-listen "127.0.0.1:$port" --max-instances "$instances" \
    --idle-count $((2 * instances)) --capacity-per-instance 2 \
    --plugin-config "{\"max_size\":$instances,\"create_latency\":\"1s\",\"delete_latency\":\"1s\"}" \
    >"${TMPDIR:-/tmp}/daemon-rss-$label.log" 2>&1 &
  pid=$!
  running=$pid
  start=$(date +%s)
  ready=""
  while [[ -z $ready ]]; do
    sleep 1
    kill -0 "$pid" 2>/dev/null || { echo "$label: the daemon exited" >&2; cat "${TMPDIR:-/tmp}/daemon-rss-$label.log" >&2; return 1; }
    r=$( { curl -s "127.0.0.1:$port/metrics" || true; } | awk '/^fleeting_provisioner_instances\{.*state="ready"/ {print int($2)}')
    [[ $r == "$instances" ]] && ready=$(( $(date +%s) - start ))
    (( $(date +%s) - start > 600 )) && { echo "$label: not ready after 600 s ($r)" >&2; kill "$pid"; return 1; }
  done
  sleep 30
  a=$(rss_line "$pid")
  sleep 60
  b=$(rss_line "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  running=""
  printf '%-38s %6s ready in %3s s  RSS after 30 s: %s; after 90 s: %s\n' \
    "$label" "$instances" "$ready" "$a" "$b"
}

echo "daemon RSS at $instances simulated instances, $(nproc) CPUs, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB RAM"
rows=${FLEETSCALER_RSS_ROWS:-all}
[[ $rows == defaults || $rows == subprocess ]] || FLEETSCALER_JVM_DEFAULTS=none measure "JVM ergonomics, in process" --in-process
[[ $rows == subprocess ]] || measure "launcher defaults, in process" --in-process
[[ $rows == defaults || $rows == subprocess ]] || FLEETSCALER_JVM_DEFAULTS=none measure "JVM ergonomics, plugin subprocess"
measure "launcher defaults, plugin subprocess"
