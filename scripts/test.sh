#!/bin/bash
# heaphunt's test command: install what is missing, build, run every test.
#
#   scripts/test.sh [--quick] [pytest args...]
#
# 1. scripts/install-deps.sh (idempotent; seconds when all is there)
# 2. ./autogen.sh && ./configure && make, in place (configure is rerun only
#    when it has not been run yet or configure.ac changed)
# 3. /usr/bin/python3 -m pytest tests/ -q [args]: Debian's pytest, not
#    whatever python3 is first on PATH
# --quick leaves out the tests marked slow (pytest -m "not slow"): the two
# in-tree Valgrind builds, which take minutes and about 1 GB the first time
# on a machine.  The default run, which CI makes, is the complete one.
# The exit status is pytest's.  The in-tree builds are cached (Valgrind's
# sources in build/valgrind-src, the builds in $HEAPHUNT_INTREE_ROOT, by
# default ~/.cache/heaphunt), so a rerun is fast.
set -euo pipefail

die() { echo "test.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

quick=no
if [ "${1:-}" = --quick ]; then
    quick=yes
    shift
fi

start=$(date +%s)
# One line per step, with the time since the start (m:ss).
say() {
    local s=$(( $(date +%s) - start ))
    printf 'test.sh [%d:%02d] %s\n' $(( s / 60 )) $(( s % 60 )) "$*"
}

say "installing missing dependencies (scripts/install-deps.sh)"
bash scripts/install-deps.sh || die "installing dependencies failed"

jobs=$(nproc 2>/dev/null || echo 2)
build_log=build/test-build.log
mkdir -p build
say "building heaphunt (log: $build_log)"
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

if [ $quick = yes ]; then
    say "running the tests, without the in-tree Valgrind builds (--quick)"
    set -- -m "not slow" "$@"
else
    say "running every test; the two in-tree Valgrind builds take minutes the first" \
        "time on a machine (--quick leaves them out)"
fi
set +e
/usr/bin/python3 -m pytest tests/ -q "$@"
status=$?
set -e
say "done (pytest's exit status: $status)"
exit $status
