"""Frames without a symbol: the profile's hhObjs names each object such a
frame is in, with its load bias, so that a reader can show lib.so+0xOFF
(docs/json-format.md, "hhObjs").

A shared library is built twice from tests/programs/stripped/libhidden.c:
one copy is stripped and loaded by the program; the other keeps its symbol
table and says, independently of Valgrind, where the static function
hidden_alloc lies in the file.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

SOURCES = lib.PROGRAMS_DIR / "stripped"
LIBRARY = "libhidden.so"
UNSYMBOLISED_RE = re.compile(r"^0x(?P<addr>[0-9A-F]+): \?\?\? \(in (?P<obj>.+)\)$")


def _run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("stripped")
    full = out / "libhidden-full.so"
    _run(["gcc", "-O1", "-g", "-fPIC", "-shared", "-o", str(full), str(SOURCES / "libhidden.c")])
    stripped = out / LIBRARY
    _run(["strip", "--strip-all", "-o", str(stripped), str(full)])
    exe = out / "main"
    _run(["gcc", "-O0", "-g", "-o", str(exe), str(SOURCES / "main.c"), "-L", str(out),
          "-lhidden", "-Wl,-rpath," + str(out)])
    return {"full": full, "stripped": stripped, "exe": exe, "dir": out}


def symbol_range(library: Path, name: str) -> tuple[int, int]:
    """[start, end) of a symbol in the library's own address space (nm)."""
    for line in _run(["nm", "-S", str(library)]).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            start, size = int(parts[0], 16), int(parts[1], 16)
            return start, start + size
    raise AssertionError(f"{name} not in nm -S {library}")


def test_stripped_frame_resolves_to_its_function_offset(built):
    run = lib.run_tool("heaphunt", [str(built["exe"])], built["dir"] / "run")
    assert run.returncode == 0 and run.profile is not None, run.describe()
    profile = run.profile
    ftbl = profile["ftbl"]
    (site,) = [pp for pp in profile["pps"] if pp["tb"] == 100]
    frames = [ftbl[i] for i in site["fs"]]
    m = UNSYMBOLISED_RE.match(frames[0])
    assert m and m.group("obj") == str(built["stripped"]), frames
    assert frames[1].startswith("0x") and "exported_alloc (in " in frames[1], frames

    bias = dict((path, base) for path, base in profile["hhObjs"])[str(built["stripped"])]
    offset = int(m.group("addr"), 16) - bias
    start, end = symbol_range(built["full"], "hidden_alloc")
    assert start <= offset < end, (
        f"{frames[0]}: offset {offset:#x} from bias {bias:#x} is not in "
        f"hidden_alloc [{start:#x}, {end:#x})")


def test_every_frame_without_source_names_a_listed_object(built):
    run = lib.run_tool("heaphunt", [str(built["exe"])], built["dir"] / "run-all")
    listed = {path for path, _ in run.profile["hhObjs"]}
    named = {m.group(1) for frame in run.profile["ftbl"]
             if (m := re.search(r" \(in (.+)\)$", frame))}
    assert named and named == listed, (named, listed)
