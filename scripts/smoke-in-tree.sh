#!/bin/bash
# Smoke-check an in-tree heaphunt build: does that Valgrind run the tool and
# count right?
#
#   scripts/smoke-in-tree.sh VERSION      (after scripts/build-in-tree.sh VERSION)
#
# Compiles a tiny C program that makes 10 allocations of 100 bytes and frees
# 7 of them, runs it under $HEAPHUNT_INTREE_ROOT/intree-VERSION/vg-in-place (that is, the
# in-tree Valgrind with --tool=heaphunt), and checks the stderr summary and
# that the profile is JSON.  HEAPHUNT_VG=RUNNER checks another runner, e.g.
# the SDK build's ./vg-in-place.  Exits non-zero with a message saying what
# is wrong.
set -euo pipefail

die() { echo "smoke-in-tree: FAIL: $*" >&2; exit 1; }

version=${1:-}
case "$version" in
    3.19|3.24) ;;
    *) die "usage: $0 3.19|3.24" ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
intree_root=${HEAPHUNT_INTREE_ROOT:-${HOME:-/root}/.cache/heaphunt}
runner=${HEAPHUNT_VG:-$intree_root/intree-$version/vg-in-place}
[ -x "$runner" ] || die "$runner not found: run scripts/build-in-tree.sh $version first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 10 blocks of 100 bytes (1,000 bytes); 7 freed, 3 (300 bytes) live at exit.
cat >"$work/smoke.c" <<'C'
#include <stdlib.h>
int main(void)
{
    void* blocks[10];
    for (int i = 0; i < 10; i++)
        blocks[i] = malloc(100);
    for (int i = 0; i < 7; i++)
        free(blocks[i]);
    return 0;
}
C
gcc -O0 -g -o "$work/smoke" "$work/smoke.c" || die "cannot compile the test program (is gcc installed?)"

out=$work/heaphunt.out
if ! (cd "$work" && "$runner" --heaphunt-out-file="$out" ./smoke) 2>"$work/stderr"; then
    cat "$work/stderr" >&2
    die "valgrind exited non-zero ($runner)"
fi

check_line() {
    grep -qF -- "$1" "$work/stderr" || { cat "$work/stderr" >&2; die "stderr lacks '$1'"; }
}
check_line "Total:     1,000 bytes in 10 blocks"
check_line "At t-end:  300 bytes in 3 blocks"

[ -s "$out" ] || { cat "$work/stderr" >&2; die "no profile written to $out"; }
/usr/bin/python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out" ||
    die "the profile is not valid JSON"
echo "smoke-in-tree: OK: Valgrind $version in-tree heaphunt ($runner)"
