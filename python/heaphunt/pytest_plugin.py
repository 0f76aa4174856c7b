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

When pytest itself runs under heaphunt (`valgrind --tool=heaphunt python3 -m
pytest`), the `heaphunt_limit` marker bounds what a test function's call
allocates inside this process (C extensions, ctypes libraries, the
interpreter), exactly, from heaphunt's own counts (client.py):

    @pytest.mark.heaphunt_limit(max_blocks=3, max_end_bytes=0)
    def test_parse(): ...
    @pytest.mark.heaphunt_limit(repeat=3)      # a leak fails, a cache is allowed
    def test_lookup(): ...

`--heaphunt-default-limit KEY=N,...` (or the ini value
heaphunt_default_limit) gives every test a limit; a marker overrides it key
by key.  A test over its limit fails with its numbers and the sites it
allocated from (from profiles dumped around the call; `--heaphunt-sites=0`
turns that off).  The rules are in inprocess.py and docs/testing.md.
Natively the limits are not checked (the summary says so).
"""

from __future__ import annotations

import inspect
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import pytest

from . import client
from .inprocess import (LIMIT_KEYS, LimitSpecError, RunDelta, combine, dump_sites,
                        failure_message, judge, limits_from, parse_default_limit, site_lines)
from .profile import Profile
from .runner import RunResult, fixed_env, run

MARKER = "heaphunt_options"
LIMIT_MARKER = "heaphunt_limit"
DEFAULT_SITES_SHOWN = 5

# The user property a measured test's report carries (see the summary).
MEASURED_PROPERTY = "heaphunt"
NOT_MEASURED = "not measured: not running under heaphunt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--heaphunt-vg", default=None, metavar="PATH",
                     help="valgrind (or vg-in-place) used by the heaphunt fixture")
    group = parser.getgroup("heaphunt", "heaphunt limits (when pytest runs under heaphunt)")
    group.addoption("--heaphunt-default-limit", action="append", default=None,
                    metavar="KEY=N,...",
                    help="a heaphunt_limit for every test, e.g. max_end_bytes=0,max_blocks=1000;"
                         " a test's marker overrides it key by key")
    group.addoption("--heaphunt-sites", type=int, default=None, metavar="N",
                    help=f"sites listed when a test is over its limit (default"
                         f" {DEFAULT_SITES_SHOWN}; 0: none, and no profiles dumped)")
    parser.addini("heaphunt_default_limit", "a heaphunt_limit for every test (KEY=N,...)",
                  default="")


class _LimitState:
    """Per session: the default limit, where profiles are dumped, what was measured."""

    def __init__(self, default: dict[str, int | None], sites_shown: int) -> None:
        self.default = default
        self.sites_shown = sites_shown
        self.dump_dir: Path | None = None
        self.dumps_made = 0
        self.under_heaphunt: bool | None = None

    def running(self) -> bool:
        if self.under_heaphunt is None:
            self.under_heaphunt = client.running()
        return self.under_heaphunt

    def dump_path(self, name: str) -> Path:
        if self.dump_dir is None:
            self.dump_dir = Path(tempfile.mkdtemp(prefix="heaphunt-pytest-"))
        return self.dump_dir / name

    def close(self) -> None:
        if self.dump_dir is not None:
            shutil.rmtree(self.dump_dir, ignore_errors=True)


_STATE_KEY = pytest.StashKey[_LimitState]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*options): heaphunt/Valgrind options for the heaphunt fixture")
    config.addinivalue_line(
        "markers", f"{LIMIT_MARKER}(max_blocks=N, max_bytes=N, max_end_blocks=N,"
                   " max_end_bytes=N, repeat=N): bound what the test's call allocates in this"
                   " process, when pytest runs under heaphunt")
    texts = config.getoption("--heaphunt-default-limit", default=None) or []
    ini = config.getini("heaphunt_default_limit") if _has_ini(config) else ""
    default: dict[str, int | None] = {}
    try:
        for text in ([ini] if ini else []) + list(texts):
            default.update(parse_default_limit(text))
    except LimitSpecError as e:
        raise pytest.UsageError(str(e)) from None
    sites = config.getoption("--heaphunt-sites", default=None)
    if sites is not None and sites < 0:
        raise pytest.UsageError(f"--heaphunt-sites {sites}: must be 0 or more")
    config.stash[_STATE_KEY] = _LimitState(
        default, DEFAULT_SITES_SHOWN if sites is None else sites)


def _has_ini(config: pytest.Config) -> bool:
    # A conftest that imports only this hook (not pytest_addoption) has no ini key.
    try:
        config.getini("heaphunt_default_limit")
    except ValueError:
        return False
    return True


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE_KEY, None)
    if state is not None:
        state.close()


def _marker_limits(item: pytest.Function) -> dict[str, int | None] | None:
    """The closest heaphunt_limit marker's keywords, checked; None if none."""
    marker = item.get_closest_marker(LIMIT_MARKER)
    if marker is None:
        return None
    if marker.args:
        raise LimitSpecError(f"@pytest.mark.{LIMIT_MARKER}: takes keywords only"
                             f" ({', '.join(LIMIT_KEYS)}, repeat), got {marker.args!r}")
    return limits_from(marker.kwargs, f"@pytest.mark.{LIMIT_MARKER}")


def _dump(state: _LimitState) -> Path | None:
    """A profile of the process now, to name the sites of a test over its limit."""
    if state.sites_shown <= 0:
        return None
    state.dumps_made += 1
    path = state.dump_path(f"{os.getpid()}-{state.dumps_made}.json")
    return path if client.dump(str(path)) else None


def _site_report(paths: list[Path | None], top: int) -> list[str]:
    if top <= 0:
        return []
    if any(p is None for p in paths):
        return ["(sites not shown: a profile could not be dumped; see stderr)"]
    try:
        dumps = [dump_sites(p.read_bytes()) for p in paths if p is not None]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        return [f"(sites not shown: a dumped profile could not be read: {e})"]
    return site_lines(dumps, top)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Calls a test that has a heaphunt limit (repeatedly with repeat=N),
    between two readings of heaphunt's counts; other tests are left to
    pytest."""
    state = pyfuncitem.config.stash.get(_STATE_KEY, None)
    if state is None:
        return None
    try:
        marker = _marker_limits(pyfuncitem)
    except LimitSpecError as e:
        pytest.fail(str(e), pytrace=False)
    if marker is None and not state.default:
        return None
    limits = combine(state.default, marker or {})
    if not limits.any:
        return None
    if not state.running():
        pyfuncitem.user_properties.append((MEASURED_PROPERTY, NOT_MEASURED))
        return None
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        pytest.fail(f"@pytest.mark.{LIMIT_MARKER}: async test functions are not measured",
                    pytrace=False)
    testargs = {arg: pyfuncitem.funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}
    runs: list[RunDelta] = []
    dumps: list[Path | None] = [_dump(state)]
    before, after = client.HeaphuntStats(), client.HeaphuntStats()
    try:
        for _ in range(limits.repeat):
            client.read_stats(before)
            pyfuncitem.obj(**testargs)
            client.read_stats(after)
            runs.append(RunDelta.between(before.as_dict(), after.as_dict()))
            dumps.append(_dump(state))
        verdict = judge(limits, runs)
        pyfuncitem.user_properties.append((MEASURED_PROPERTY, "; ".join(verdict.summary)))
        if not verdict.passed:
            pytest.fail(failure_message(pyfuncitem.nodeid, limits, verdict,
                                        _site_report(dumps, state.sites_shown)),
                        pytrace=False)
    finally:
        for path in dumps:
            if path is not None:
                path.unlink(missing_ok=True)
    return True


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line: how many tests had their heap limits checked, or that none
    could be (not under heaphunt).  Under pytest-xdist the workers' reports
    carry the property to the controller, which prints this."""
    measured = unmeasured = 0
    caches = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == MEASURED_PROPERTY:
                    if value == NOT_MEASURED:
                        unmeasured += 1
                    else:
                        measured += 1
                        caches += [f"heaphunt: {report.nodeid}: {part}"
                                   for part in value.split("; ") if "(a cache)" in part]
    if unmeasured:
        terminalreporter.write_line(
            f"heaphunt: {unmeasured} test(s) with heap limits, not checked: pytest is not"
            " running under heaphunt (valgrind --tool=heaphunt python3 -m pytest ...)")
    if measured:
        terminalreporter.write_line(f"heaphunt: {measured} test(s) measured against their"
                                    " heap limits")
    for line in caches:
        terminalreporter.write_line(line)


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
