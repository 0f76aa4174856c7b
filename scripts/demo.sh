#!/bin/bash
# heaphunt's first command: from a fresh clone to a profile in one step.
#
#   bash scripts/demo.sh
#
# On a fresh Debian machine (root) it installs what the build needs
# (scripts/install-deps.sh), builds heaphunt (./autogen.sh, ./configure, make;
# steps already done are skipped, make itself is incremental), compiles
# examples/leaky.c, runs it under the in-place runner ./vg-in-place, and prints
# the summary, the path of the profile and how to open it in Valgrind's
# dh_view.html.  It then checks the summary against the counts derived by hand
# in examples/leaky.c and exits 1 if they differ.
#
# Set HEAPHUNT_VG to a valgrind command that runs heaphunt (for example an
# installed `valgrind --tool=heaphunt`) to skip the build and use that instead.
# Everything it creates goes under build/demo/ (git-ignored).
set -euo pipefail

die() { echo "demo: $*" >&2; exit 1; }
note() { echo "demo: $*" >&2; }

repo_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_dir"
demo_dir=$repo_dir/build/demo

# 1. Dependencies.  Idempotent: a machine that has everything is done quickly.
if [ -f scripts/install-deps.sh ]; then
    bash scripts/install-deps.sh || die "scripts/install-deps.sh failed"
else
    note "scripts/install-deps.sh not found; assuming the build tools are installed"
fi

# 2. Build, unless a ready heaphunt was given.
if [ -n "${HEAPHUNT_VG:-}" ]; then
    read -r -a vg <<<"$HEAPHUNT_VG"
    note "using HEAPHUNT_VG=$HEAPHUNT_VG (no build)"
else
    # Rerun a step only when it was never run or its input changed.
    if [ ! -x configure ] || [ configure.ac -nt configure ]; then
        note "running ./autogen.sh"
        ./autogen.sh || die "./autogen.sh failed"
    fi
    if [ ! -f config.status ] || [ configure -nt config.status ]; then
        note "running ./configure"
        ./configure -q || die "./configure failed (see config.log)"
    fi
    note "running make"
    make -j"$(nproc)" >/dev/null || die "make failed (rerun 'make' to see why)"
    [ -x ./vg-in-place ] || die "the build did not produce ./vg-in-place"
    vg=("$repo_dir/vg-in-place")
fi

# 3. The demo program, compiled without optimisation so that its hand-derived
#    counts hold (see the comment at the top of examples/leaky.c).
mkdir -p "$demo_dir"
cc -g -O0 -o "$demo_dir/leaky" examples/leaky.c || die "compiling examples/leaky.c failed"

# 4. Run it under heaphunt.
profile=$demo_dir/heaphunt.out.leaky
log=$demo_dir/leaky.log
rm -f "$profile"
echo
echo "\$ ${vg[*]} --heaphunt-out-file=$profile $demo_dir/leaky"
if ! "${vg[@]}" --heaphunt-out-file="$profile" "$demo_dir/leaky" >"$log" 2>&1; then
    cat "$log" >&2
    die "heaphunt failed on build/demo/leaky"
fi
cat "$log"
[ -s "$profile" ] || die "heaphunt did not write $profile"

# 5. Where the profile is and how to look at it.
viewer=/usr/libexec/valgrind/dh_view.html
echo
echo "Profile: $profile"
echo
echo "What heaphunt finds in it (bin/heaphunt report, top 3 sites):"
"$repo_dir/bin/heaphunt" report --top 3 --stacks 2 "$profile" || die "heaphunt report failed"
echo
echo "To explore it in a browser: $repo_dir/bin/heaphunt view $profile"
echo "(serves heaphunt's viewer on localhost and prints its URL), or open"
echo "file://$repo_dir/viewer/index.html and load the file; Valgrind's own"
echo "file://$viewer opens it too.  The leak is the log_event sites with"
echo "bytes still live \"At t-end\"."

# 6. The summary must equal the counts derived by hand in examples/leaky.c.
expected=(
    "Total:     41,728 bytes in 111 blocks"
    "At t-gmax: 35,968 bytes in 51 blocks"
    "At t-end:  6,400 bytes in 100 blocks"
    "Reads:     36,928 bytes"
    "Writes:    41,728 bytes"
)
mismatch=0
for line in "${expected[@]}"; do
    if ! grep -qF -- "$line" "$log"; then
        note "expected summary line not found: '$line'"
        mismatch=1
    fi
done
[ "$mismatch" -eq 0 ] || die "the summary differs from the counts in examples/leaky.c"
echo
echo "The summary matches the counts derived by hand in examples/leaky.c."
echo "Next: bash scripts/test.sh runs the whole test suite."
