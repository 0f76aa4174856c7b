#!/bin/bash
# Fetch and unpack Valgrind's sources from Debian's source packages.
#
#   scripts/fetch-valgrind-src.sh VERSION [DESTDIR]
#
# VERSION is 3.19 (Debian bookworm) or 3.24 (Debian trixie).  The sources are
# unpacked into DESTDIR (default: build/valgrind-src) as valgrind-VERSION.*/ and
# the path of the unpacked tree is printed on the last line of stdout.
#
# The script adds a deb-src entry for the needed suite itself
# (add-deb-src.sh: the mirror is this machine's own, no host name is written
# here).
# Idempotent: an already unpacked tree is reused.
set -euo pipefail

die() { echo "fetch-valgrind-src: $*" >&2; exit 1; }

version=${1:-}
dest=${2:-build/valgrind-src}
case "$version" in
    3.19) suite=bookworm ;;
    3.24) suite=trixie ;;
    *) die "usage: $0 3.19|3.24 [DESTDIR]  (got '${version}')" ;;
esac

mkdir -p "$dest"
dest=$(cd "$dest" && pwd -P)
existing=$(find "$dest" -maxdepth 1 -type d -name "valgrind-${version}*" | head -n1)
if [ -n "$existing" ] && [ -f "$existing/coregrind/m_main.c" ]; then
    echo "$existing"
    exit 0
fi

"$(dirname "$0")/add-deb-src.sh" "$suite"

command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >&2

# Pick the newest valgrind source version of that suite.
pkgver=$(apt-cache showsrc valgrind 2>/dev/null |
         awk -v v="$version" '/^Version:/ { split($2, a, ":"); s = a[length(a)]; if (index(s, v ".") == 1) print $2 }' |
         sort -V | tail -n1)
[ -n "$pkgver" ] || die "no valgrind $version source package found in apt (suite $suite)"

(cd "$dest" && apt-get source -qq "valgrind=$pkgver" >&2) ||
    die "apt-get source valgrind=$pkgver failed"
tree=$(find "$dest" -maxdepth 1 -type d -name "valgrind-${version}*" | head -n1)
[ -n "$tree" ] && [ -f "$tree/coregrind/m_main.c" ] || die "unpacked tree not found under $dest"
echo "$tree"
