"""tool/hh_replace_strmem.c against Valgrind's own shared/vg_replace_strmem.c.

heaphunt's preload carries its own version of Valgrind's str/mem
replacements (the file's header says why); it must replace the functions
Valgrind's does, in the same objects, with the same tags, and report copies
where DHAT's copy mode does, or DHAT's read, write and copy counts cannot be
matched.  tests/tools/compare_strmem_sources.py compares the two for the
Valgrind versions heaphunt supports (3.19, 3.24; their sources come from
Debian's source packages through scripts/fetch-valgrind-src.sh) and fails on
any difference not listed, with its reason, in
tool/hh_replace_strmem.differences.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

SCRIPT = lib.TESTS_DIR / "tools" / "compare_strmem_sources.py"
OUR_FILE = lib.REPO_DIR / "tool" / "hh_replace_strmem.c"
# A replacement both versions of Valgrind's file make.
DROPPED_LINE = "REPLACE_STRLEN(VG_Z_LIBC_SONAME,          __strlen_sse42)"
DROPPED_DIFFERENCE = "only-in-valgrind 20070 VG_Z_LIBC_SONAME __strlen_sse42"


def valgrind_source(version: str) -> Path:
    """The unpacked sources (fetched once; reused from build/valgrind-src)."""
    proc = subprocess.run(["bash", str(lib.REPO_DIR / "scripts" / "fetch-valgrind-src.sh"),
                           version, str(lib.REPO_DIR / "build" / "valgrind-src")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"fetching Valgrind {version}'s sources failed:\n{proc.stderr}"
    return Path(proc.stdout.strip().splitlines()[-1])


def compare(version: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(valgrind_source(version)), version,
                           *extra], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("version", ["3.19", "3.24"])
def test_replacements_in_step_with_valgrind(version):
    proc = compare(version)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Both versions replace over a hundred functions for amd64-linux; a parse
    # that found few would pass vacuously.
    m = re.search(r"(\d+) functions in vg_replace_strmem.c, (\d+) in", proc.stdout)
    assert m and int(m.group(1)) > 100 and int(m.group(2)) > 100, proc.stdout
    assert ", 0 differences" in proc.stdout, proc.stdout


def test_a_difference_not_listed_fails_and_a_listed_one_passes(tmp_path):
    source = OUR_FILE.read_text()
    assert DROPPED_LINE in source
    changed = tmp_path / "hh_replace_strmem.c"
    changed.write_text(source.replace(DROPPED_LINE, ""))
    empty_list = tmp_path / "none.differences"
    empty_list.write_text("# nothing listed\n")

    unlisted = compare("3.19", "--heaphunt", str(changed), "--differences", str(empty_list))
    assert unlisted.returncode == 1, unlisted.stdout + unlisted.stderr
    assert f"not listed in none.differences: 3.19 {DROPPED_DIFFERENCE}" in unlisted.stdout

    listed_file = tmp_path / "listed.differences"
    listed_file.write_text(f"3.19 {DROPPED_DIFFERENCE}  left out in this test\n")
    listed = compare("3.19", "--heaphunt", str(changed), "--differences", str(listed_file))
    assert listed.returncode == 0, listed.stdout + listed.stderr

    stale = compare("3.19", "--differences", str(listed_file))
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert f"listed in listed.differences but not found: 3.19 {DROPPED_DIFFERENCE}" in stale.stdout
