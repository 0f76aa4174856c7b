#!/bin/bash
# Install everything heaphunt's build and test suite need, idempotently.
#
#   scripts/install-deps.sh
#
# Meant for a fresh Debian bookworm machine where we are root (CI, a new
# developer machine).  Each Debian package is installed only when dpkg says it
# is missing, and `apt-get update` runs at most once, only when something is
# missing, so a machine that already has everything is done in a second or two.
#
# The browser tests drive Debian's /usr/bin/chromium with playwright-core,
# installed from npm into tests/browser/node_modules (pinned by the committed
# package-lock.json, with the speedscope app that opens the exports).
# playwright-core never downloads a browser of its own.
set -euo pipefail

die() { echo "install-deps: $*" >&2; exit 1; }
note() { echo "install-deps: $*" >&2; }

repo_dir=$(cd "$(dirname "$0")/.." && pwd)

# Debian packages: what the build (autotools, a C toolchain, Valgrind's SDK),
# the in-tree builds (dpkg-dev for `apt-get source`), the Debian package
# (debhelper, dh-python, lintian; scripts/build-deb.sh) and the tests (pytest,
# chromium, node, python3-venv for the pip install test, golang-go for
# `go tool pprof`, which opens the exports) need; the exact-count examples'
# test frameworks (GoogleTest, Catch2, pytest-xdist), a JUnit XML reader for
# check's --junit output, strace, with which a test sees how the profile's
# temporary file is opened, and what the findings' real programs use:
# Debian's packaged tokio (examples/hunt/tokio, built offline from
# /usr/share/cargo/registry) and Ruby with ActiveSupport (examples/hunt, the
# interpreted-frames tests); the interpreters' headers for
# scripts/gen-interp-layouts.sh; Debian's rustc and cargo, with which the
# Rust crate (bindings/rust/heaphunt) and its example (examples/rust-tests)
# are tested offline.
debian_packages=(
    build-essential gcc g++ make autoconf automake pkg-config
    valgrind python3 python3-pytest dpkg-dev bzip2 xz-utils
    debhelper dh-python lintian python3-venv
    chromium golang-go
    libgtest-dev catch2 python3-pytest-xdist python3-junitparser
    strace librust-tokio-dev ruby ruby-activesupport python3.11-dev ruby3.1-dev
    rustc cargo
)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${debian_packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
# Node.js and npm: the machine may have them from elsewhere than Debian;
# only install Debian's when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root: install them with apt-get"
    note "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # apt's chatter goes to a log that is shown only when something fails.
    apt_log=$(mktemp)
    trap 'rm -f "$apt_log"' EXIT
    apt-get update -qq >"$apt_log" 2>&1 \
        || { cat "$apt_log" >&2; die "apt-get update failed"; }
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1 \
        || { cat "$apt_log" >&2; die "apt-get install ${missing[*]} failed"; }
fi

node_major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
[ "$node_major" -ge 18 ] || die "node $(node --version) is too old: playwright-core needs node 18 or newer"

# playwright-core, project-local.  Skip npm entirely when the installed copy
# matches the lock file (npm's own check costs seconds).
browser_dir=$repo_dir/tests/browser
if [ -f "$browser_dir/package.json" ]; then
    stamp=$browser_dir/node_modules/.heaphunt-lock-stamp
    if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$browser_dir/package-lock.json"; then
        note "installing playwright-core and speedscope into tests/browser/node_modules"
        (
            cd "$browser_dir"
            export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
            if [ -f package-lock.json ]; then
                npm ci --no-audit --no-fund --loglevel=error >/dev/null
            else
                npm install --no-audit --no-fund --loglevel=error >/dev/null
            fi
        ) || die "npm install of playwright-core and speedscope failed in $browser_dir"
        cp "$browser_dir/package-lock.json" "$stamp"
    fi
fi

[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after installing chromium"
exit 0
