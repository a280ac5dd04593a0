#!/usr/bin/env bash
# Builds the base image of the Fleetscaler container: Debian trixie (minbase) with the headless
# Java 21 runtime from Debian's own packages, made by debootstrap and imported into Podman, so that
# no image registry is needed. Runs as root; does nothing when the image already exists.
#
#   deploy/container/build-base.sh [IMAGE]      default: $FLEETSCALER_BASE_IMAGE or
#                                               localhost/fleetscaler-base:trixie-jre21
#
# Needs podman and debootstrap (.ci/podman.sh setup installs both) and the Debian mirror.
set -euo pipefail

image=${1:-${FLEETSCALER_BASE_IMAGE:-localhost/fleetscaler-base:trixie-jre21}}
mirror=${FLEETSCALER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf '== build-base.sh: %s\n' "$*" >&2; }

if podman image exists "$image"; then
  log "image $image exists"
  exit 0
fi
root=$(mktemp -d /var/tmp/fleetscaler-base-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
log "debootstrap trixie with openjdk-21-jre-headless into $root"
# ca-certificates-java and the JRE's dependencies come with it; nothing else is installed.
if ! debootstrap --variant=minbase --include=openjdk-21-jre-headless trixie "$root" "$mirror" \
  >"$root.log" 2>&1; then
  tail -20 "$root.log" >&2
  exit 1
fi
rm -f "$root.log"
# What a container never uses: package caches and lists, documentation, locales but C.UTF-8.
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*.log \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C.*' -exec rm -rf {} + 2>/dev/null || true
# Resolved inside the new root: its alternatives links are absolute paths of that root.
java_home=$(dirname "$(dirname "$(chroot "$root" readlink -f /usr/bin/java)")")
case $java_home in
  /usr/lib/jvm/java-2[1-9]-*) ;;
  *) log "the root's java is $java_home, not a Java 21+"; exit 1 ;;
esac
tar -C "$root" -c . | podman import --quiet \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
log "built $image ($(podman image inspect --format '{{.Size}}' "$image") bytes, JAVA_HOME $java_home)"
