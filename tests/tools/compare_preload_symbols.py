#!/usr/bin/python3
"""compare_preload_symbols: does heaphunt's preload replace exactly what DHAT's does?

heaphunt's read/write counts equal DHAT's only if both preloads replace the
same functions (str*/mem*, the environment wrappers, the malloc family) in the
same shared objects, with the same equivalence-class tags.  Valgrind finds
replacements by their exported symbol names, which encode all of that:

    _vgr20180ZZ_libcZdsoZa_memcpy
     |  |    |  |           `- function name (Z-encoded when ZZ)
     |  |    |  `- soname pattern, Z-encoded ("libc.so*")
     |  |    `- ZU: function name plain, ZZ: function name Z-encoded
     |  `- behavioural equivalence class tag
     `- _vgr: replacement, _vgw: wrapper

This script lists those symbols in both .so files (with `nm -D`) and prints
each one present in only one of them, decoded.  No output and exit status 0
means the two sets are identical; status 1 means they differ; status 2 is a
usage error (a file missing, nm failing).

    compare_preload_symbols.py [--dhat DHAT_SO] [--heaphunt HEAPHUNT_SO]

Defaults: DHAT's preload from the installed Valgrind, ours from the SDK
build tree (tool/vgpreload_heaphunt-amd64-linux.so).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple, NoReturn

PROG = Path(sys.argv[0]).name
REPO_DIR = Path(__file__).resolve().parent.parent.parent

DHAT_PRELOAD_NAME = "vgpreload_dhat-amd64-linux.so"
HEAPHUNT_PRELOAD_NAME = "vgpreload_heaphunt-amd64-linux.so"

# Where installed Valgrinds keep their tools (Debian first).
VALGRIND_TOOL_DIRS = (
    "/usr/libexec/valgrind",
    "/usr/lib/x86_64-linux-gnu/valgrind",
    "/usr/lib/valgrind",
    "/usr/local/libexec/valgrind",
    "/usr/local/lib/valgrind",
)

REDIR_SYMBOL_RE = re.compile(
    r"^_vg(?P<kind>[rw])(?P<tag>\d{5})(?P<enc>ZU|ZZ)_(?P<soname>[^_]*)_(?P<fn>.+)$")

# pub_tool_redir.h's Z-encoding, reversed.
Z_DECODE = {
    "a": "*", "c": ":", "d": ".", "h": "-", "p": "+", "s": " ", "u": "_",
    "A": "@", "D": "$", "L": "(", "P": "%", "R": ")", "S": "/", "Z": "Z",
}


class Redirect(NamedTuple):
    kind: str      # "replace" or "wrap"
    tag: str       # equivalence-class tag, 5 digits
    soname: str    # decoded soname pattern
    function: str  # decoded function name
    symbol: str    # the raw symbol

    def describe(self) -> str:
        return f"{self.kind} {self.soname} {self.function} (tag {self.tag}; {self.symbol})"


def die(message: str) -> NoReturn:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(2)


def z_decode(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "Z" and i + 1 < len(text) and text[i + 1] in Z_DECODE:
            out.append(Z_DECODE[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def parse_symbol(symbol: str) -> Redirect | None:
    m = REDIR_SYMBOL_RE.match(symbol)
    if m is None:
        return None
    function = m.group("fn")
    if m.group("enc") == "ZZ":
        function = z_decode(function)
    return Redirect(
        kind="replace" if m.group("kind") == "r" else "wrap",
        tag=m.group("tag"),
        soname=z_decode(m.group("soname")),
        function=function,
        symbol=symbol,
    )


def redirects_in(so_path: Path) -> set[Redirect]:
    """The replacement/wrapper symbols that SO_PATH exports."""
    if not so_path.is_file():
        die(f"{so_path}: no such file (build heaphunt first, or pass the path)")
    try:
        proc = subprocess.run(["nm", "-D", "--defined-only", str(so_path)],
                              capture_output=True, text=True)
    except FileNotFoundError:
        die("nm not found: install binutils")
    if proc.returncode != 0:
        die(f"nm -D {so_path} failed: {proc.stderr.strip()}")
    found = set()
    for line in proc.stdout.splitlines():
        fields = line.split()
        if not fields:
            continue
        redirect = parse_symbol(fields[-1])
        if redirect is not None:
            found.add(redirect)
    if not found:
        die(f"{so_path}: exports no _vgr/_vgw symbols; is it a Valgrind preload?")
    return found


def default_dhat_preload() -> Path:
    candidates = []
    if os.environ.get("VALGRIND_LIB"):
        candidates.append(os.environ["VALGRIND_LIB"])
    candidates.extend(VALGRIND_TOOL_DIRS)
    for directory in candidates:
        path = Path(directory) / DHAT_PRELOAD_NAME
        if path.is_file():
            return path
    die(f"cannot find {DHAT_PRELOAD_NAME} in {', '.join(candidates)}; pass --dhat")


def differences(dhat: set[Redirect], heaphunt: set[Redirect]) -> list[str]:
    """One line per symbol present in only one preload, sorted by name."""
    lines = []
    for redirect in sorted(dhat - heaphunt, key=lambda r: (r.function, r.symbol)):
        lines.append(f"only in DHAT:     {redirect.describe()}")
    for redirect in sorted(heaphunt - dhat, key=lambda r: (r.function, r.symbol)):
        lines.append(f"only in heaphunt: {redirect.describe()}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Print the replacement/wrapper symbols that only one of "
                    "DHAT's and heaphunt's preloads exports.")
    parser.add_argument("--dhat", type=Path, default=None,
                        help=f"DHAT's preload (default: the installed {DHAT_PRELOAD_NAME})")
    parser.add_argument("--heaphunt", type=Path,
                        default=REPO_DIR / "tool" / HEAPHUNT_PRELOAD_NAME,
                        help="heaphunt's preload (default: %(default)s)")
    args = parser.parse_args()

    dhat_path = args.dhat if args.dhat is not None else default_dhat_preload()
    lines = differences(redirects_in(dhat_path), redirects_in(args.heaphunt))
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
