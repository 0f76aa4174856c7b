"""pytest wiring for heaphunt's tests: fixtures over heaphunt_testlib.

`program_runs` runs each test program under heaphunt and under DHAT once per
session and hands out the cached `ToolRun`s.  The first request starts every
run of the session's programs on a thread pool (one worker per core), since
each run is a separate Valgrind process and the whole suite is otherwise
dominated by waiting for them one by one.

Markers: `slow` (in-tree Valgrind builds) is registered here; slow tests run
by default, `-m "not slow"` leaves them out.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes minutes (in-tree Valgrind builds); runs by default")


class ProgramRuns:
    """Session cache: (tool, program) -> ToolRun, or the exception that
    building or running raised (re-raised to each test that asks)."""

    TOOLS = ("heaphunt", "dhat")

    def __init__(self, base_dir: Path, names: list[str]) -> None:
        self._base_dir = base_dir
        self._names = names
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, str], concurrent.futures.Future] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2)

    def _run_one(self, tool: str, name: str) -> lib.ToolRun:
        exe = lib.build_program(name)
        expectations = lib.parse_expectations(name)
        out_dir = self._base_dir / name / lib.TOOL_DIR_NAMES[tool]
        return lib.run_tool(tool, [str(exe), *expectations.args], out_dir,
                            extra_options=expectations.options)

    def _submit_all(self) -> None:
        # Compile first, one at a time: two threads must not write the same
        # binary.  Then start every run.
        for name in self._names:
            try:
                lib.build_program(name)
            except lib.TestSetupError:
                pass  # reported by the tests of that program
        for name in self._names:
            for tool in self.TOOLS:
                key = (tool, name)
                if key not in self._futures:
                    self._futures[key] = self._pool.submit(self._run_one, tool, name)

    def get(self, tool: str, name: str) -> lib.ToolRun:
        with self._lock:
            if not self._futures:
                self._submit_all()
            key = (tool, name)
            if key not in self._futures:
                self._futures[key] = self._pool.submit(self._run_one, tool, name)
            future = self._futures[key]
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def program_runs(tmp_path_factory: pytest.TempPathFactory):
    runs = ProgramRuns(tmp_path_factory.mktemp("program-runs"), lib.programs_with_expectations())
    yield runs
    runs.close()


@pytest.fixture(scope="session")
def heaphunt_runner() -> Path:
    """The heaphunt runner; a test that needs it fails (not skips) if the
    tool has not been built."""
    try:
        return lib.heaphunt_runner()
    except lib.TestSetupError as e:
        pytest.fail(str(e))
