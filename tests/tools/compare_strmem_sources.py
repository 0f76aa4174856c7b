#!/usr/bin/python3
"""compare_strmem_sources: is tool/hh_replace_strmem.c in step with Valgrind's
shared/vg_replace_strmem.c?

heaphunt's preload carries its own version of Valgrind's str/mem
replacements (tool/hh_replace_strmem.c says why), so it can fall behind
when Valgrind changes its file.  This script compares the two files as the
preprocessor sees them for amd64-linux, built against the given Valgrind
version:

- every function replaced or wrapped, as (tag, soname, function name): the
  VG_REPLACE_FUNCTION_* and VG_WRAP_FUNCTION_* names each file defines;
- for each of them, whether it reports a copy (Valgrind's RECORD_COPY, the
  hook of DHAT's copy mode; heaphunt's HH_RECORD_COPY).

Each difference must be listed, with the reason, in the differences file
(default: tool/hh_replace_strmem.differences), one per line:

    VERSION KIND TAG SONAME FUNCTION  reason...

KIND is only-in-valgrind, only-in-heaphunt, copy-only-in-valgrind or
copy-only-in-heaphunt.  The script prints every difference that is not
listed and every listed one that no longer exists, and exits 1 if there is
any; 0 when the files agree up to the list; 2 on a usage error.

    compare_strmem_sources.py VALGRIND_SRC_DIR VERSION
        [--heaphunt FILE] [--differences FILE]

VALGRIND_SRC_DIR is an unpacked Valgrind source tree
(scripts/fetch-valgrind-src.sh VERSION prints its path); VERSION is 3.19 or
3.24, the valgrind.h version heaphunt's file is preprocessed for.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple, NoReturn

PROG = Path(sys.argv[0]).name
REPO_DIR = Path(__file__).resolve().parent.parent.parent
KINDS = ("only-in-valgrind", "only-in-heaphunt", "copy-only-in-valgrind",
         "copy-only-in-heaphunt")

# What the SDK build defines for amd64-linux (tool/Makefile.am's VG_CPPFLAGS).
PLATFORM_DEFINES = ["-DVGO_linux=1", "-DVGA_amd64=1", "-DVGP_amd64_linux=1",
                    "-DVGPV_amd64_linux_vanilla=1"]
COPY_MARK = "__HH_COMPARE_COPY_RECORDED__"
# Both files' copy hooks, turned into one marker.  Valgrind's file defines
# RECORD_COPY as a no-op unless the includer (DHAT) has defined it first.
COPY_HOOK_DEFINES = [f"-DRECORD_COPY(len)={COPY_MARK}",
                     f"-DHH_RECORD_COPY(dst,src,len)={COPY_MARK}"]
FUNCTION_RE = re.compile(
    r"VG_(?:REPLACE_FUNCTION_E?Z[UZ]\(\s*(\d+)\s*,|WRAP_FUNCTION_Z[UZ]\()"
    r"\s*(\w+)\s*,\s*(\w+)\s*\)")


class Function(NamedTuple):
    tag: str        # equivalence-class tag ("-" for a wrapper)
    soname: str     # the soname macro or Z-encoded pattern
    name: str


def die(message: str) -> NoReturn:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(2)


def preprocess(path: Path, minor: int) -> str:
    """The file for amd64-linux with its #includes left out: the names the
    headers define (sonames, the naming macros) stay as written, which is
    what is compared."""
    try:
        text = path.read_text()
    except OSError as e:
        die(f"cannot read {path}: {e.strerror}")
    text = re.sub(r"(?m)^\s*#\s*include\b.*$", "", text)
    cmd = ["cpp", "-P", *PLATFORM_DEFINES, *COPY_HOOK_DEFINES,
           "-D__VALGRIND_MAJOR__=3", f"-D__VALGRIND_MINOR__={minor}", "-"]
    proc = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if proc.returncode != 0:
        die(f"cpp failed on {path}:\n{proc.stderr}")
    return proc.stdout


def functions(preprocessed: str) -> dict[Function, bool]:
    """Each function defined, and whether its body reports a copy.  A
    macro expands to one line, which holds a function's prototype and
    body, so a function's body is the rest of its line."""
    found: dict[Function, bool] = {}
    for line in preprocessed.splitlines():
        matches = list(FUNCTION_RE.finditer(line))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            fn = Function(m.group(1) or "-", m.group(2), m.group(3))
            found[fn] = found.get(fn, False) or COPY_MARK in line[m.end():end]
    return found


def differences(version: str, valgrind: dict[Function, bool],
                heaphunt: dict[Function, bool]) -> set[tuple[str, ...]]:
    out = set()
    for fn in valgrind.keys() - heaphunt.keys():
        out.add((version, "only-in-valgrind", *fn))
    for fn in heaphunt.keys() - valgrind.keys():
        out.add((version, "only-in-heaphunt", *fn))
    for fn in valgrind.keys() & heaphunt.keys():
        if valgrind[fn] and not heaphunt[fn]:
            out.add((version, "copy-only-in-valgrind", *fn))
        elif heaphunt[fn] and not valgrind[fn]:
            out.add((version, "copy-only-in-heaphunt", *fn))
    return out


def listed_differences(path: Path, version: str) -> set[tuple[str, ...]]:
    """The listed differences for this version; every entry needs a reason."""
    listed = set()
    try:
        lines = path.read_text().splitlines()
    except OSError as e:
        die(f"cannot read {path}: {e.strerror}")
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 5)
        if len(fields) < 6 or fields[1] not in KINDS:
            die(f"{path}:{number}: expected 'VERSION KIND TAG SONAME FUNCTION "
                f"reason', KIND one of {', '.join(KINDS)}")
        if fields[0] == version:
            listed.add(tuple(fields[:5]))
    return listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("valgrind_src", type=Path)
    parser.add_argument("version", choices=["3.19", "3.24"])
    parser.add_argument("--heaphunt", type=Path,
                        default=REPO_DIR / "tool" / "hh_replace_strmem.c")
    parser.add_argument("--differences", type=Path,
                        default=REPO_DIR / "tool" / "hh_replace_strmem.differences")
    args = parser.parse_args()
    valgrind_file = args.valgrind_src / "shared" / "vg_replace_strmem.c"
    if not valgrind_file.is_file():
        die(f"{valgrind_file} not found: give an unpacked Valgrind source tree")
    minor = int(args.version.split(".")[1])

    valgrind = functions(preprocess(valgrind_file, minor))
    heaphunt = functions(preprocess(args.heaphunt, minor))
    if not valgrind or not heaphunt:
        die(f"no replacement functions found in "
            f"{valgrind_file if not valgrind else args.heaphunt}")
    found = differences(args.version, valgrind, heaphunt)
    listed = listed_differences(args.differences, args.version)
    for d in sorted(found - listed):
        print(f"not listed in {args.differences.name}: {' '.join(d)}")
    for d in sorted(listed - found):
        print(f"listed in {args.differences.name} but not found: {' '.join(d)}")
    print(f"{args.version}: {len(valgrind)} functions in {valgrind_file.name}, "
          f"{len(heaphunt)} in {args.heaphunt.name}, {len(found)} differences "
          f"({len(found & listed)} listed)")
    return 1 if found != listed else 0


if __name__ == "__main__":
    sys.exit(main())
