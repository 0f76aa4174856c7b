#!/bin/bash
# Make Debian's Ruby available for examples/interpreters/event_tree.rb,
# idempotently: apt-get installs the `ruby` package only when /usr/bin/ruby
# is missing.  Prints the ruby command to use on stdout.
#
#   ruby=$(scripts/install-ruby.sh)
set -euo pipefail

die() { echo "install-ruby: $*" >&2; exit 1; }

if [ -x /usr/bin/ruby ]; then
    echo /usr/bin/ruby
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "/usr/bin/ruby is missing and we are not root: apt-get install ruby"
echo "install-ruby: installing ruby" >&2
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT
apt-get update -qq >"$apt_log" 2>&1 || { cat "$apt_log" >&2; die "apt-get update failed"; }
apt-get install -y -qq --no-install-recommends ruby >"$apt_log" 2>&1 \
    || { cat "$apt_log" >&2; die "apt-get install ruby failed"; }
[ -x /usr/bin/ruby ] || die "ruby was installed but /usr/bin/ruby is missing"
echo /usr/bin/ruby
