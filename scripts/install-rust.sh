#!/bin/bash
# Make a Rust toolchain (rustc and cargo) available for examples/rust,
# idempotently, and print the cargo command to use on stdout.
#
#   cargo=$(scripts/install-rust.sh)
#
# A cargo already on PATH, or rustup's in ~/.cargo/bin, is used as it is.
# Otherwise Debian's rustc and cargo packages are installed with apt-get
# (bookworm: rustc 1.63, which examples/rust is written for).  No crate is
# downloaded: examples/rust builds offline, from std alone (Debian's
# packaged crates, librust-*-dev, would come from /usr/share/cargo/registry).
set -euo pipefail

die() { echo "install-rust: $*" >&2; exit 1; }

find_cargo() {
    if command -v cargo >/dev/null 2>&1 && command -v rustc >/dev/null 2>&1; then
        command -v cargo
    elif [ -x "${HOME:-/root}/.cargo/bin/cargo" ] && [ -x "${HOME:-/root}/.cargo/bin/rustc" ]; then
        echo "${HOME:-/root}/.cargo/bin/cargo"
    elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ]; then
        echo /usr/bin/cargo
    else
        return 1
    fi
}

if cargo=$(find_cargo); then
    echo "$cargo"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "no rustc/cargo found and not root: install them (apt-get install rustc cargo)"
echo "install-rust: installing rustc and cargo" >&2
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT
apt-get update -qq >"$apt_log" 2>&1 || { cat "$apt_log" >&2; die "apt-get update failed"; }
apt-get install -y -qq --no-install-recommends rustc cargo >"$apt_log" 2>&1 \
    || { cat "$apt_log" >&2; die "apt-get install rustc cargo failed"; }
# cargo needs a C linker (cc); the build's own dependencies (build-essential)
# normally provide it.
command -v cc >/dev/null 2>&1 || die "rustc needs a C linker: install build-essential"
find_cargo || die "rustc and cargo were installed but are not found"
