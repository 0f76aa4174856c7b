"""Real programs under heaphunt and DHAT: the five summary numbers must be
identical.

The programs are Debian's own (sort, python3, mawk), fed inputs that
the test generates deterministically, run with the same fixed environment
for both tools.  Each is made deterministic where it would otherwise not be:
(gzip is not one of them: it
allocates nothing on the heap.)  sort gets an explicit buffer size and one thread (its default buffer size
depends on the machine's free memory), Python a fixed hash seed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import heaphunt_testlib as lib

PYTHON_WORKLOAD = (
    "import json, collections\n"
    "words = [('w%d' % (i * 7919 % 1000)) for i in range(20000)]\n"
    "counts = collections.Counter(words)\n"
    "text = json.dumps(sorted(counts.items()))\n"
    "print(len(text), len(json.loads(text)))\n"
)


@pytest.fixture(scope="module")
def lines_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 lines of pseudo-random words, the same on every run."""
    rng = random.Random(20240601)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    path = tmp_path_factory.mktemp("inputs") / "lines.txt"
    with open(path, "w") as f:
        for i in range(20000):
            f.write(f"{rng.choice(words)} {rng.randrange(1_000_000):06d} {i}\n")
    return path


REAL_PROGRAMS = {
    "sort": lambda inp: ["/usr/bin/sort", "--parallel=1", "-S", "4M", str(inp)],
    "python3": lambda inp: ["/usr/bin/python3", "-c", PYTHON_WORKLOAD],
    "awk": lambda inp: ["/usr/bin/awk", "{ n[$1]++ } END { for (w in n) print w, n[w] }", str(inp)],
}


@pytest.mark.parametrize("name", sorted(REAL_PROGRAMS))
def test_real_program_summary_equals_dhat(name: str, lines_file: Path, tmp_path: Path,
                                          heaphunt_runner: Path) -> None:
    argv = REAL_PROGRAMS[name](lines_file)
    dhat = lib.run_tool("dhat", argv, tmp_path / lib.TOOL_DIR_NAMES["dhat"])
    heaphunt = lib.run_tool("heaphunt", argv, tmp_path / lib.TOOL_DIR_NAMES["heaphunt"])
    assert dhat.returncode == 0 and dhat.summary, dhat.describe()
    assert heaphunt.returncode == 0, heaphunt.describe()
    assert heaphunt.summary is not None, f"no summary on stderr\n{heaphunt.describe()}"
    assert heaphunt.stdout == dhat.stdout, "the program's output differs between the tools"
    diff = lib.diff_numbers(dhat.summary, heaphunt.summary)
    assert not diff, f"{name}: heaphunt (got) vs DHAT (expected):\n{diff}"
    assert heaphunt.profile is not None, f"no parsable profile\n{heaphunt.describe()}"
    diff = lib.diff_numbers(heaphunt.summary, lib.json_totals(heaphunt))
    assert not diff, f"{name}: hhTotals (got) vs heaphunt's own stderr summary:\n{diff}"
