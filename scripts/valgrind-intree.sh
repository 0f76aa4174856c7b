#!/bin/bash
# Build heaphunt the official way: as a tool inside a Valgrind source tree.
#
#   scripts/valgrind-intree.sh [--minimal|--full] [--prefix P] [--jobs N] VGSRC [TOOLDIR]
#
# VGSRC is an unpacked Valgrind source tree (3.19 or 3.24, e.g. from
# scripts/fetch-valgrind-src.sh); TOOLDIR is heaphunt's tool/ (default: the
# one beside this script).  The script
#   1. links every tool source into VGSRC/heaphunt/ (symlinks, so edits in
#      tool/ are rebuilt by the next run) and writes VGSRC/heaphunt/Makefile.am
#      in the style of Valgrind's own tools (dhat/Makefile.am);
#   2. adds heaphunt to TOOLS in VGSRC/Makefile.am and heaphunt/Makefile to
#      AC_CONFIG_FILES in VGSRC/configure.ac (only once);
#   3. runs VGSRC/autogen.sh and configure when those inputs changed;
#   4. builds.  --minimal (default) builds only what `--tool=heaphunt` needs:
#      VEX, coregrind (launcher, core preload, malloc replacement library)
#      and heaphunt; --full builds every Valgrind tool as `make` would.
# Afterwards `VGSRC/vg-in-place --tool=heaphunt ./prog` runs it.  Idempotent
# and incremental.
set -euo pipefail

die() { echo "valgrind-intree: $*" >&2; exit 1; }
log() { echo "valgrind-intree: $*" >&2; }

mode=minimal
prefix=/usr/local
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
    case "$1" in
        --minimal) mode=minimal; shift ;;
        --full) mode=full; shift ;;
        --prefix) prefix=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || die "usage: $0 [--minimal|--full] [--prefix P] [--jobs N] VGSRC [TOOLDIR]"
vgsrc=$1
tooldir=${2:-$(cd "$(dirname "$0")/../tool" && pwd)}
[ -f "$vgsrc/coregrind/m_main.c" ] || die "$vgsrc is not a Valgrind source tree (no coregrind/m_main.c)"
[ -f "$tooldir/sources.am" ] || die "$tooldir has no sources.am: is it heaphunt's tool/ directory?"
vgsrc=$(cd "$vgsrc" && pwd)
tooldir=$(cd "$tooldir" && pwd)

# Tools needed on a fresh machine: Valgrind's autogen.sh and build.
need=""
for p in autoconf automake make gcc perl; do
    command -v "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
    [ "$(id -u)" = 0 ] || die "missing:$need (Debian: apt-get install$need)"
    log "installing:$need"
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >&2
fi

t_start=$(date +%s)

#--- 1. heaphunt/ inside the tree ---------------------------------------------

hh=$vgsrc/heaphunt
mkdir -p "$hh/tests"
# Drop links to files that left tool/, then link what is there now.
for link in "$hh"/*; do
    if [ -L "$link" ] && [ ! -e "$link" ]; then rm -f "$link"; fi
done
for f in "$tooldir"/*.c "$tooldir"/*.h "$tooldir/sources.am"; do
    [ -e "$f" ] || continue
    ln -sfn "$f" "$hh/$(basename "$f")"
done

# Write a file only when its content changes, so that make sees no change.
write_if_changed() {
    local dest=$1 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; else mv "$tmp" "$dest"; fi
}

write_if_changed "$hh/Makefile.am" <<'AM'
# heaphunt/Makefile.am: heaphunt as a Valgrind tool, in the style of
# dhat/Makefile.am.  Written by heaphunt's scripts/valgrind-intree.sh; the
# sources are symlinks to heaphunt's tool/ directory and are listed in
# sources.am, shared with heaphunt's own SDK build.

include $(top_srcdir)/Makefile.tool.am
include $(srcdir)/sources.am
include $(srcdir)/version.am

EXTRA_DIST = sources.am version.am

#----------------------------------------------------------------------------
# Headers, etc
#----------------------------------------------------------------------------

pkginclude_HEADERS = $(HEAPHUNT_CLIENT_HDRS)

#----------------------------------------------------------------------------
# heaphunt-<platform>
#----------------------------------------------------------------------------

noinst_PROGRAMS  = heaphunt-@VGCONF_ARCH_PRI@-@VGCONF_OS@
if VGCONF_HAVE_PLATFORM_SEC
noinst_PROGRAMS += heaphunt-@VGCONF_ARCH_SEC@-@VGCONF_OS@
endif

heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_SOURCES      = \
	$(HEAPHUNT_TOOL_SOURCES)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_CPPFLAGS     = \
	$(AM_CPPFLAGS_@VGCONF_PLATFORM_PRI_CAPS@)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_CFLAGS       = $(LTO_CFLAGS) \
	-DHEAPHUNT_VERSION=\"$(HEAPHUNT_VERSION)\" \
	$(AM_CFLAGS_@VGCONF_PLATFORM_PRI_CAPS@)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_DEPENDENCIES = \
	$(TOOL_DEPENDENCIES_@VGCONF_PLATFORM_PRI_CAPS@)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_LDADD        = \
	$(TOOL_LDADD_@VGCONF_PLATFORM_PRI_CAPS@)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_LDFLAGS      = \
	$(TOOL_LDFLAGS_@VGCONF_PLATFORM_PRI_CAPS@)
heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_LINK = \
	$(top_builddir)/coregrind/link_tool_exe_@VGCONF_OS@ \
	@VALT_LOAD_ADDRESS_PRI@ \
	$(LINK) \
	$(heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_CFLAGS) \
	$(heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_LDFLAGS)

if VGCONF_HAVE_PLATFORM_SEC
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_SOURCES      = \
	$(HEAPHUNT_TOOL_SOURCES)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_CPPFLAGS     = \
	$(AM_CPPFLAGS_@VGCONF_PLATFORM_SEC_CAPS@)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_CFLAGS       = $(LTO_CFLAGS) \
	-DHEAPHUNT_VERSION=\"$(HEAPHUNT_VERSION)\" \
	$(AM_CFLAGS_@VGCONF_PLATFORM_SEC_CAPS@)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_DEPENDENCIES = \
	$(TOOL_DEPENDENCIES_@VGCONF_PLATFORM_SEC_CAPS@)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_LDADD        = \
	$(TOOL_LDADD_@VGCONF_PLATFORM_SEC_CAPS@)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_LDFLAGS      = \
	$(TOOL_LDFLAGS_@VGCONF_PLATFORM_SEC_CAPS@)
heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_LINK = \
	$(top_builddir)/coregrind/link_tool_exe_@VGCONF_OS@ \
	@VALT_LOAD_ADDRESS_SEC@ \
	$(LINK) \
	$(heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_CFLAGS) \
	$(heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_LDFLAGS)
endif

#----------------------------------------------------------------------------
# vgpreload_heaphunt-<platform>.so
#----------------------------------------------------------------------------

noinst_PROGRAMS += vgpreload_heaphunt-@VGCONF_ARCH_PRI@-@VGCONF_OS@.so
if VGCONF_HAVE_PLATFORM_SEC
noinst_PROGRAMS += vgpreload_heaphunt-@VGCONF_ARCH_SEC@-@VGCONF_OS@.so
endif

# hh_replace_strmem.c runs on the simulated CPU, and is built with
# AM_CFLAGS_PSO_* (see $(top_srcdir)/Makefile.all.am).
vgpreload_heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_so_SOURCES      = \
	$(HEAPHUNT_PRELOAD_SOURCES)
vgpreload_heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_so_CPPFLAGS     = \
	$(AM_CPPFLAGS_@VGCONF_PLATFORM_PRI_CAPS@)
vgpreload_heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_so_CFLAGS       = \
	$(AM_CFLAGS_PSO_@VGCONF_PLATFORM_PRI_CAPS@) -O2
vgpreload_heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_so_DEPENDENCIES = \
	$(LIBREPLACEMALLOC_@VGCONF_PLATFORM_PRI_CAPS@)
vgpreload_heaphunt_@VGCONF_ARCH_PRI@_@VGCONF_OS@_so_LDFLAGS      = \
	$(PRELOAD_LDFLAGS_@VGCONF_PLATFORM_PRI_CAPS@) \
	$(LIBREPLACEMALLOC_LDFLAGS_@VGCONF_PLATFORM_PRI_CAPS@)

if VGCONF_HAVE_PLATFORM_SEC
vgpreload_heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_so_SOURCES      = \
	$(HEAPHUNT_PRELOAD_SOURCES)
vgpreload_heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_so_CPPFLAGS     = \
	$(AM_CPPFLAGS_@VGCONF_PLATFORM_SEC_CAPS@)
vgpreload_heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_so_CFLAGS       = \
	$(AM_CFLAGS_PSO_@VGCONF_PLATFORM_SEC_CAPS@) -O2
vgpreload_heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_so_DEPENDENCIES = \
	$(LIBREPLACEMALLOC_@VGCONF_PLATFORM_SEC_CAPS@)
vgpreload_heaphunt_@VGCONF_ARCH_SEC@_@VGCONF_OS@_so_LDFLAGS      = \
	$(PRELOAD_LDFLAGS_@VGCONF_PLATFORM_SEC_CAPS@) \
	$(LIBREPLACEMALLOC_LDFLAGS_@VGCONF_PLATFORM_SEC_CAPS@)
endif
AM

# The version heaphunt reports: ours, from our configure.ac.
hh_version=$(sed -n 's/^AC_INIT(\[heaphunt\], *\[\([^]]*\)\].*/\1/p' "$tooldir/../configure.ac" 2>/dev/null || true)
printf '# Written by valgrind-intree.sh from heaphunt'"'"'s configure.ac.\nHEAPHUNT_VERSION = %s\n' \
    "${hh_version:-0.1.0}" | write_if_changed "$hh/version.am"

write_if_changed "$hh/tests/Makefile.am" <<'AM'
# heaphunt/tests/Makefile.am: Makefile.tool.am recurses into tests/.
# heaphunt's tests live in heaphunt's own repository (tests/), not here.
EXTRA_DIST =
AM

#--- 2. register the tool in Valgrind's build --------------------------------

if ! grep -q '^[[:space:]]*heaphunt[[:space:]]*\\$' "$vgsrc/Makefile.am"; then
    # First line after "TOOLS = \".
    sed -i '/^TOOLS = \\$/a\		heaphunt \\' "$vgsrc/Makefile.am"
    grep -q '^[[:space:]]*heaphunt[[:space:]]*\\$' "$vgsrc/Makefile.am" ||
        die "could not add heaphunt to TOOLS in $vgsrc/Makefile.am"
fi
if ! grep -q 'heaphunt/Makefile' "$vgsrc/configure.ac"; then
    sed -i 's|^\([[:space:]]*\)dhat/tests/Makefile$|&\n\1heaphunt/Makefile\n\1heaphunt/tests/Makefile|' "$vgsrc/configure.ac"
    grep -q 'heaphunt/tests/Makefile' "$vgsrc/configure.ac" ||
        die "could not add heaphunt/Makefile to AC_CONFIG_FILES in $vgsrc/configure.ac"
fi
#--- 3. autogen and configure, when their inputs changed ---------------------

cd "$vgsrc"
inputs_sum=$( { cat configure.ac Makefile.am heaphunt/Makefile.am heaphunt/tests/Makefile.am heaphunt/sources.am heaphunt/version.am; echo "prefix=$prefix"; } | md5sum | cut -d' ' -f1)
stamp=.heaphunt-configured
if [ ! -f config.status ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs_sum" ]; then
    t0=$(date +%s)
    log "autogen.sh in $vgsrc"
    ./autogen.sh >autogen.log 2>&1 || { tail -n 30 autogen.log >&2; die "autogen.sh failed (log: $vgsrc/autogen.log)"; }
    log "configure --prefix=$prefix --enable-only64bit"
    # 64-bit only: heaphunt supports amd64-linux, and a 32-bit secondary
    # platform would double the build time.
    ./configure --prefix="$prefix" --enable-only64bit >configure.log 2>&1 ||
        { tail -n 30 configure.log >&2; die "configure failed (log: $vgsrc/configure.log)"; }
    echo "$inputs_sum" >"$stamp"
    log "autogen+configure: $(( $(date +%s) - t0 )) s"
fi

#--- 4. build -----------------------------------------------------------------

t0=$(date +%s)
if [ "$mode" = full ]; then
    log "make -j$jobs (every tool)"
    make -j"$jobs" >make.log 2>&1 || { grep -E 'error|Error' make.log | tail -n 40 >&2; die "make failed (log: $vgsrc/make.log)"; }
else
    log "make -j$jobs (VEX, coregrind, heaphunt only)"
    {
        # The top-level files every part needs (Valgrind's BUILT_SOURCES),
        # the parts themselves in SUBDIRS order, then the top-level
        # all-local, which links default.supp into .in_place.
        make -j"$jobs" default.supp include/vgversion.h valgrind.pc &&
        make -j"$jobs" -C include &&
        make -j"$jobs" -C VEX &&
        make -j"$jobs" -C coregrind &&
        make -j"$jobs" all-am &&
        make -j"$jobs" -C heaphunt
    } >make.log 2>&1 || { grep -E 'error|Error' make.log | tail -n 40 >&2; die "make failed (log: $vgsrc/make.log)"; }
fi
log "make ($mode): $(( $(date +%s) - t0 )) s"
grep -E 'warning:' make.log | grep -E 'heaphunt/|hh_' >&2 || true

for f in heaphunt-amd64-linux vgpreload_heaphunt-amd64-linux.so vgpreload_core-amd64-linux.so; do
    [ -e ".in_place/$f" ] || die "$vgsrc/.in_place/$f missing after the build"
done
log "done in $(( $(date +%s) - t_start )) s: $vgsrc/vg-in-place --tool=heaphunt ./prog"
