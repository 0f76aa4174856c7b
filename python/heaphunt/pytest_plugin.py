"""pytest plugin: the `heaphunt` fixture runs a program under heaphunt.

Installed (the Debian package, `pip install`, `make install`), the package
registers this module under its `pytest11` entry point, so pytest loads it
by itself: no conftest line.  `pytest -p no:heaphunt` turns it off.  From a
source tree that is not installed, put python/ on PYTHONPATH and pass
`-p heaphunt.pytest_plugin` (or write `pytest_plugins =
["heaphunt.pytest_plugin"]` in the top-level conftest.py); not both that and
an installed copy, since pytest refuses a plugin registered twice.  Then:

    @pytest.mark.heaphunt_options("--histogram-max=16")
    def test_make_event_counts(heaphunt):
        profile = heaphunt(["./prog", "10"])
        assert_totals(profile, blocks=10, bytes=640, end_blocks=0)

The fixture value is a callable: `heaphunt(argv, *, options=(), env=None,
cwd=None, returncode=0)` returns the Profile.  Options from the marker come
first, then `options`.  env defaults to `fixed_env()`, cwd to a fresh empty
directory of the test (tmp_path), so counts do not depend on the caller's
shell or directory.  The last RunResult (stderr, return code, every profile
of a forking program) is `heaphunt.last`.  Valgrind is found as run() finds
it; `--heaphunt-vg=PATH` on pytest's command line overrides.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

import pytest

from .profile import Profile
from .runner import RunResult, fixed_env, run

MARKER = "heaphunt_options"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--heaphunt-vg", default=None, metavar="PATH",
                     help="valgrind (or vg-in-place) used by the heaphunt fixture")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*options): heaphunt/Valgrind options for the heaphunt fixture")


class HeaphuntRunner:
    """The fixture's value: call it to run a program and get its profile."""

    def __init__(self, marker_options: list[str], workdir: Path, valgrind: str | None) -> None:
        self.marker_options = marker_options
        self.workdir = workdir
        self.valgrind = valgrind
        self.last: RunResult | None = None

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *,
                 options: Sequence[str] = (), env: Mapping[str, str] | None = None,
                 cwd: str | os.PathLike[str] | None = None,
                 returncode: int | None = 0) -> Profile:
        result = run([str(a) for a in argv], options=[*self.marker_options, *options],
                     env=fixed_env() if env is None else env,
                     cwd=self.workdir if cwd is None else cwd, valgrind=self.valgrind)
        self.last = result
        if returncode is not None and result.returncode != returncode:
            pytest.fail(f"{' '.join(map(str, argv))} exited with {result.returncode} under "
                        f"heaphunt, expected {returncode}\n--- stderr ---\n{result.stderr}",
                        pytrace=False)
        return result.profile


@pytest.fixture
def heaphunt(request: pytest.FixtureRequest, tmp_path: Path) -> HeaphuntRunner:
    options: list[str] = []
    for marker in request.node.iter_markers(MARKER):
        options = [*marker.args, *options]
    workdir = tmp_path / "heaphunt-cwd"
    workdir.mkdir()
    valgrind = request.config.getoption("--heaphunt-vg", default=None)
    return HeaphuntRunner(options, workdir, valgrind)
