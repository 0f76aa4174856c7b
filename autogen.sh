#!/bin/sh
# autogen.sh: generate ./configure and the Makefile.in files.
#
# Installs the Debian packages the build needs when they are missing (a fresh
# CI machine has none of them), then runs autoreconf.  Idempotent.
set -eu
cd "$(dirname "$0")"

need=""
command -v autoreconf >/dev/null 2>&1 || need="$need autoconf"
command -v automake   >/dev/null 2>&1 || need="$need automake"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v gcc        >/dev/null 2>&1 || need="$need gcc"
command -v make       >/dev/null 2>&1 || need="$need make"
[ -f /usr/include/valgrind/pub_tool_basics.h ] || need="$need valgrind"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "autogen.sh: installing:$need" >&2
        apt-get update -qq >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >&2
    else
        echo "autogen.sh: missing:$need; install them (Debian: apt-get install$need)" >&2
        exit 1
    fi
fi

mkdir -p m4 build-aux
autoreconf -fi
