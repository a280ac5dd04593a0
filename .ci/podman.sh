#!/usr/bin/env bash
# Podman as a Docker-compatible engine for Testcontainers, on a machine without Docker and
# without a reachable image registry (see docs/plugins/static.md, "Tests").
#
#   .ci/podman.sh setup   install podman, runc, debootstrap and OpenSSH; write containers.conf;
#                         start the API socket in the background (its PID is recorded)
#   .ci/podman.sh image   build the sshd test image once (skipped when it already exists)
#   .ci/podman.sh env     print the exports the Maven run needs (use with eval)
#   .ci/podman.sh stop    stop the API socket started by setup
#
# Every step is idempotent and runs as root. State lives in $FLEETSCALER_PODMAN_STATE.
set -euo pipefail

state_dir=${FLEETSCALER_PODMAN_STATE:-/var/tmp/fleetscaler-podman}
socket_path=${FLEETSCALER_PODMAN_SOCKET:-/run/podman/podman.sock}
image=${FLEETSCALER_SSHD_IMAGE:-localhost/fleetscaler-sshd:1}
# crun fails on this kind of machine (cgroups, rlimits); runc and cgroupfs work.
export CONTAINERS_CONF="$state_dir/containers.conf"

log() { printf '== podman.sh: %s\n' "$*" >&2; }

socket_answers() {
  [[ -S $socket_path ]] && podman --url "unix://$socket_path" version >/dev/null 2>&1
}

install_packages() {
  local need=()
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  [[ -x /usr/sbin/sshd ]] || need+=(openssh-server)
  command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
  if ((${#need[@]} == 0)); then
    return
  fi
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Installing openssh-server must not start a system sshd on port 22: the tests start their own.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if ((made_policy)); then
    rm -f "$policy"
  fi
}

write_conf() {
  mkdir -p "$state_dir"
  cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
EOF
}

start_service() {
  if socket_answers; then
    log "API socket already answers at $socket_path"
    return
  fi
  mkdir -p "$(dirname "$socket_path")" "$state_dir"
  rm -f "$socket_path"
  nohup podman system service --time=0 "unix://$socket_path" \
    >"$state_dir/service.log" 2>&1 &
  echo $! >"$state_dir/service.pid"
  for _ in $(seq 1 100); do
    if socket_answers; then
      log "API socket answers at $socket_path (PID $(cat "$state_dir/service.pid"))"
      return
    fi
    sleep 0.1
  done
  log "API socket did not answer within 10 s; log follows"
  cat "$state_dir/service.log" >&2
  return 1
}

build_image() {
  if podman image exists "$image"; then
    log "image $image exists"
    return
  fi
  local root
  root=$(mktemp -d /var/tmp/fleetscaler-sshd-root.XXXXXX)
  log "debootstrap into $root"
  debootstrap --variant=minbase --include=openssh-server bookworm "$root" \
    http://deb.debian.org/debian >"$state_dir/debootstrap.log" 2>&1 \
    || { tail -20 "$state_dir/debootstrap.log" >&2; rm -rf "$root"; return 1; }
  chroot "$root" ssh-keygen -A >/dev/null
  mkdir -p "$root/run/sshd" "$root/root/.ssh"
  chmod 700 "$root/root/.ssh"
  # Tests copy their own authorized_keys in at container creation; no key is baked in.
  cat >"$root/etc/ssh/sshd_config.d/fleetscaler.conf" <<'EOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
UseDNS no
EOF
  rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
  tar -C "$root" -c . | podman import --quiet \
    --change 'CMD ["/usr/sbin/sshd","-D","-e"]' --change 'EXPOSE 22' - "$image" >/dev/null
  rm -rf "$root"
  log "built $image"
}

stop_service() {
  local pid_file="$state_dir/service.pid"
  if [[ -f $pid_file ]]; then
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      log "stopped API socket (PID $pid)"
    fi
    rm -f "$pid_file"
  fi
}

case "${1:-}" in
  setup)
    install_packages
    write_conf
    start_service
    ;;
  image)
    write_conf
    build_image
    ;;
  env)
    printf 'export DOCKER_HOST=unix://%s\n' "$socket_path"
    printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
    printf 'export FLEETSCALER_SSHD_IMAGE=%s\n' "$image"
    # The podman command line (the container image's IT) needs the same runtime settings.
    printf 'export CONTAINERS_CONF=%s\n' "$CONTAINERS_CONF"
    # Podman was set up: the integration tests must use it, not fall back to sshd processes.
    printf 'export FLEETSCALER_SSH_HOSTS=containers\n'
    ;;
  stop)
    stop_service
    ;;
  *)
    echo "usage: $0 setup|image|env|stop" >&2
    exit 2
    ;;
esac
