#!/bin/sh
# Builds the Go go-plugin host and plugin that the interop tests run against our host and plugins.
#
#   build.sh PROTO OUT_DIR
#
# PROTO is our instance_group.proto. Only Debian's packaged Go sources are used (GOPATH mode, no
# module proxy, no network): golang-go, golang-github-hashicorp-go-plugin-dev,
# golang-google-grpc-dev, golang-goprotobuf-dev, protobuf-compiler and libprotobuf-dev (the
# well-known .proto files). Writes OUT_DIR/gohost and OUT_DIR/goplugin.
set -eu
proto=$1
out=$2
here=$(cd "$(dirname -- "$0")" && pwd -P)
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
gopath=$out/gopath
pkg=$gopath/src/fleetscaler
rm -rf "$pkg"
mkdir -p "$pkg/pluginv1" "$pkg/proto" "$pkg/host" "$pkg/plugin"

# Debian's protoc-gen-go (1.3) refuses proto3 `optional`. Only the connector's password and
# private_key use it, for presence; without the keyword the field numbers and types, hence the
# wire, are the same (a Go peer just cannot tell an empty password from none). Our .proto keeps
# `optional`; the Go stubs are generated from this copy.
sed -e 's/^\([[:space:]]*\)optional /\1/' \
    -e 's/^package fleetscaler\.plugin\.v1;$/&\noption go_package = "fleetscaler\/pluginv1;pluginv1";/' \
    "$proto" > "$pkg/proto/instance_group.proto"
grep -q 'go_package' "$pkg/proto/instance_group.proto"
# The well-known types as protoc-gen-go 1.3's own packages (libprotobuf-dev's copies name the
# newer google.golang.org/protobuf ones, which Debian's 1.3 line does not have).
wkt=Mgoogle/protobuf/duration.proto=github.com/golang/protobuf/ptypes/duration
wkt=$wkt,Mgoogle/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp
protoc -I "$pkg/proto" -I /usr/include --go_out=plugins=grpc,"$wkt":"$gopath/src" \
    "$pkg/proto/instance_group.proto"

cp "$here/host/main.go" "$pkg/host/"
cp "$here/plugin/main.go" "$pkg/plugin/"
export GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOPROXY=off
export GOCACHE="$out/gocache"
cd "$pkg/host" && go build -o "$out/gohost" .
cd "$pkg/plugin" && go build -o "$out/goplugin" .
