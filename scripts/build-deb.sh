#!/bin/bash
# Build heaphunt's Debian package from this source tree.
#
#   bash scripts/build-deb.sh          # -> build/deb/heaphunt_<version>_amd64.deb
#
# 1. Installs what the build needs when it is missing (root): dpkg-dev,
#    lintian, and debian/control's Build-Depends (`apt-get build-dep`);
#    `apt-get update` runs only when something is missing, so a machine that
#    has everything goes straight to the build.
# 2. Copies the source tree as it is (git's tracked files and untracked ones
#    that are not ignored, so no build products) to build/deb/heaphunt-<version>/:
#    dpkg-buildpackage cleans the tree it builds in and writes beside it, and
#    the work tree is left alone.
# 3. Runs `dpkg-buildpackage -us -uc -b` there (from clean: configure, make,
#    make install into the package), then lintian on the result, which fails
#    the script on any error (its warnings are overridden or listed, with
#    the reason, in debian/heaphunt.lintian-overrides).
# 4. Prints the .deb's path.  Install it with `apt install ./<path>` (or
#    `dpkg -i`), remove it with `dpkg -r heaphunt`.
set -euo pipefail

die() { echo "build-deb: $*" >&2; exit 1; }
note() { echo "build-deb: $*" >&2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$repo/python/heaphunt/__init__.py")
[ -n "$version" ] || die "no __version__ in python/heaphunt/__init__.py"
out_dir=$repo/build/deb
src_dir=$out_dir/heaphunt-$version

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

apt_updated=
apt() {
    [ "$(id -u)" -eq 0 ] || die "missing build dependencies and not root: run as root, or apt-get build-dep $repo"
    export DEBIAN_FRONTEND=noninteractive
    local log
    log=$(mktemp)
    if [ -z "$apt_updated" ]; then
        apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get update failed"; }
        apt_updated=1
    fi
    apt-get "$@" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get $* failed"; }
    rm -f "$log"
}

for pkg in dpkg-dev lintian; do
    if ! is_installed "$pkg"; then
        note "installing $pkg"
        apt install -y -qq --no-install-recommends "$pkg"
    fi
done
if ! (cd "$repo" && dpkg-checkbuilddeps >/dev/null 2>&1); then
    note "installing the build dependencies (debian/control)"
    apt build-dep -y -qq --no-install-recommends "$repo"
fi

rm -rf "$src_dir"
mkdir -p "$src_dir"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$repo" && git ls-files -z -co --exclude-standard --deduplicate) |
        (cd "$repo" && while IFS= read -r -d '' f; do
             [ -e "$f" ] && printf '%s\0' "$f"
         done) |
        (cd "$repo" && xargs -0 cp --parents -t "$src_dir")
else
    # Not a git checkout: copy everything but build/; the package build's
    # clean step removes what an earlier configure left.
    tar -C "$repo" --exclude=./build -cf - . | tar -C "$src_dir" -xf -
fi

log=$out_dir/build.log
note "building in $src_dir (log: $log)"
(cd "$src_dir" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1 || {
    tail -n 40 "$log" >&2
    die "dpkg-buildpackage failed (full log: $log)"
}
deb=$out_dir/heaphunt_${version}_amd64.deb
[ -f "$deb" ] || die "dpkg-buildpackage made no $deb"
lintian "$out_dir/heaphunt_${version}_amd64.changes" || die "lintian found errors in $deb"
rm -rf "$src_dir"
echo "$deb"
