#!/bin/bash
# heaphunt's test command: install what is missing, build, run every test.
#
#   scripts/test.sh [pytest args...]
#
# 1. scripts/install-deps.sh (idempotent; seconds when all is there)
# 2. ./autogen.sh && ./configure && make, in place (configure is rerun only
#    when it has not been run yet or configure.ac changed)
# 3. /usr/bin/python3 -m pytest tests/ -q [args]: Debian's pytest, not
#    whatever python3 is first on PATH
# The exit status is pytest's.  Build artefacts of the in-tree Valgrind
# builds are cached under build/, so a rerun is fast.
set -euo pipefail

die() { echo "test.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

bash scripts/install-deps.sh || die "installing dependencies failed"

jobs=$(nproc 2>/dev/null || echo 2)
build_log=build/test-build.log
mkdir -p build
{
    if [ ! -f configure ] || [ configure.ac -nt configure ]; then
        ./autogen.sh
    fi
    if [ ! -f config.status ] || [ configure -nt config.status ]; then
        ./configure
    fi
    make -j"$jobs"
} >"$build_log" 2>&1 || {
    tail -n 40 "$build_log" >&2
    die "build failed (full log: $build_log)"
}

set +e
/usr/bin/python3 -m pytest tests/ -q "$@"
status=$?
set -e
exit $status
