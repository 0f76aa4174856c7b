#!/bin/bash
# Build heaphunt in-tree, inside a Valgrind source tree of a given version.
#
#   scripts/build-in-tree.sh VERSION [--full] [--jobs N]
#
# VERSION is 3.19 (Debian bookworm) or 3.24 (Debian trixie).  Fetches the
# sources (scripts/fetch-valgrind-src.sh, kept pristine under
# build/valgrind-src/), copies them to $HEAPHUNT_INTREE_ROOT/intree-VERSION/
# valgrind/, adds heaphunt there and builds it with scripts/valgrind-intree.sh:
# by default only VEX, coregrind and heaphunt (--full: every Valgrind tool).
# HEAPHUNT_INTREE_ROOT defaults to ~/.cache/heaphunt, outside the checkout,
# so that the Valgrind core is built once per machine and a new clone (CI)
# only rebuilds heaphunt in it; set it to build/ to keep everything local.
# Leaves intree-VERSION/vg-in-place there, which runs that Valgrind with
# --tool=heaphunt by default (like ./vg-in-place of the SDK build); use it as
# HEAPHUNT_VG.  The path of that runner is printed on the last line.
set -euo pipefail

die() { echo "build-in-tree: $*" >&2; exit 1; }

version=${1:-}
shift || true
case "$version" in
    3.19|3.24) ;;
    *) die "usage: $0 3.19|3.24 [--full] [--jobs N]  (got '${version}')" ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

src=$(scripts/fetch-valgrind-src.sh "$version" | tail -n1)
[ -f "$src/coregrind/m_main.c" ] || die "fetch-valgrind-src.sh gave no source tree"

root=${HEAPHUNT_INTREE_ROOT:-${HOME:-/root}/.cache/heaphunt}
mkdir -p "$root"
dest=$(cd "$root" && pwd)/intree-$version
vgsrc=$dest/valgrind
if [ ! -f "$vgsrc/coregrind/m_main.c" ]; then
    rm -rf "$vgsrc.tmp"
    mkdir -p "$dest"
    cp -a "$src" "$vgsrc.tmp"
    mv "$vgsrc.tmp" "$vgsrc"
fi
vgsrc=$(cd "$vgsrc" && pwd)

scripts/valgrind-intree.sh --prefix "$dest/install" "$@" "$vgsrc" "$repo/tool"

# The runner: the SDK runner's template, set to run this tree's Valgrind.
sed -e "s|@BUILD_MODE@|intree|" \
    -e "s|@VALGRIND_SRC@|$vgsrc|" \
    -e "s|@VALGRIND@||" \
    -e "s|@abs_top_builddir@|$dest|" \
    vg-in-place.in >"$dest/vg-in-place.tmp"
chmod +x "$dest/vg-in-place.tmp"
mv "$dest/vg-in-place.tmp" "$dest/vg-in-place"
echo "$dest/vg-in-place"
