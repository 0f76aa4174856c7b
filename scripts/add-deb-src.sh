#!/bin/bash
# Add a deb-src entry for one Debian suite, so that `apt-get source` works.
#
#   scripts/add-deb-src.sh SUITE        (bookworm, trixie)
#
# The mirror and keyring are taken from this machine's own apt configuration
# (/etc/apt/sources.list.d/debian.sources), so no host name is written in
# the project.  Idempotent: an entry already added is kept as it is.
# Used by fetch-valgrind-src.sh (Valgrind's sources) and gen-interp-layouts.sh
# (Ruby's).
set -euo pipefail

die() { echo "add-deb-src: $*" >&2; exit 1; }

suite=${1:-}
[ -n "$suite" ] || die "usage: $0 SUITE"
system_sources=/etc/apt/sources.list.d/debian.sources
src_list=/etc/apt/sources.list.d/heaphunt-src-${suite}.sources
[ -f "$src_list" ] && exit 0

[ -r "$system_sources" ] || die "cannot read $system_sources to find the Debian mirror"
# The first URIs line that serves the main archive (not -security).
uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$system_sources")
keyring=$(awk '/^Signed-By:/ { print $2; exit }' "$system_sources")
[ -n "$uri" ] || die "no 'URIs:' line in $system_sources"
{
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites: $suite"
    echo "Components: main"
    if [ -n "$keyring" ]; then echo "Signed-By: $keyring"; fi
} >"$src_list"
apt-get update -qq >&2 || die "apt-get update failed after adding $src_list"
