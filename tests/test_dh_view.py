"""heaphunt's profiles open in Valgrind's own dh_view.html.

tests/browser/dhview.mjs loads a profile into dh_view.html in headless
Chromium (Debian's, driven by playwright-core) and reports the text of the
tree's root entry and any error the page shows.  The root entry holds the
file's totals, which dh_view computes by summing the sites, so it must show
exactly heaphunt's own totals, formatted as dh_view formats them (en-US
thousands separators).  A screenshot of each page is kept under
build/test-artifacts/.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

DH_VIEW_HTML = Path("/usr/libexec/valgrind/dh_view.html")
BROWSER_DIR = lib.TESTS_DIR / "browser"


def _view(profile: Path, screenshot_name: str) -> dict:
    assert DH_VIEW_HTML.exists(), f"{DH_VIEW_HTML} missing: is valgrind installed?"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").exists(), (
        "playwright-core not installed: run scripts/install-deps.sh")
    lib.ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = lib.ARTIFACTS_DIR / screenshot_name
    proc = subprocess.run(["node", str(BROWSER_DIR / "dhview.mjs"), str(profile), str(screenshot)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"dhview.mjs failed:\n{proc.stderr}"
    assert screenshot.exists()
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _expected_root_lines(totals: dict[str, int]) -> list[str]:
    return [
        f"Total:     {totals['tb']:,} bytes (100%",
        f"in {totals['tbk']:,} blocks (100%",
        f"At t-gmax: {totals['gb']:,} bytes",
        f"At t-end:  {totals['eb']:,} bytes",
        f"Reads:     {totals['rb']:,} bytes",
        f"Writes:    {totals['wb']:,} bytes",
    ]


def _assert_page_shows_totals(page: dict, totals: dict[str, int]) -> None:
    assert not page["errorTexts"], f"dh_view shows an error: {page['errorTexts']}"
    assert not page["pageErrors"], f"exceptions in the page: {page['pageErrors']}"
    root_text = page["rootText"].split("Allocated at")[0]
    missing = [line for line in _expected_root_lines(totals) if line not in root_text]
    assert not missing, f"dh_view's root entry lacks {missing}; it shows:\n{root_text}"


@pytest.mark.parametrize("program", ["new_delete", "peak_middle", "acc_histogram"])
def test_dh_view_shows_program_profile_totals(program_runs, program: str) -> None:
    run = program_runs.get("heaphunt", program)
    assert run.profile is not None, run.describe()
    page = _view(run.profile_path, f"dh_view-{program}.png")
    _assert_page_shows_totals(page, lib.json_totals(run))


def test_dh_view_shows_python_profile_totals(tmp_path: Path, heaphunt_runner: Path) -> None:
    argv = ["/usr/bin/python3", "-c", "import json; print(len(json.dumps(list(range(2000)))))"]
    run = lib.run_tool("heaphunt", argv, tmp_path)
    assert run.profile is not None, run.describe()
    page = _view(run.profile_path, "dh_view-python3.png")
    _assert_page_shows_totals(page, lib.json_totals(run))


def test_dh_view_shows_ruby_profile_with_interpreted_frames(tmp_path: Path,
                                                            heaphunt_runner: Path) -> None:
    """Sites with Ruby frames (docs/interpreters.md): 0x0 addresses and a
    [ruby] mark before the location."""
    argv = ["/usr/bin/ruby", "--disable-gems", "-e", "a = []; 300.times { a << 'x' * 40 }"]
    run = lib.run_tool("heaphunt", argv, tmp_path)
    assert run.profile is not None, run.describe()
    assert any(" [ruby] (" in frame for frame in run.profile["ftbl"]), run.describe()
    page = _view(run.profile_path, "dh_view-ruby.png")
    _assert_page_shows_totals(page, lib.json_totals(run))


def test_dh_view_check_sees_a_broken_file(tmp_path: Path) -> None:
    """The checks above are not vacuous: a profile dh_view rejects (a site
    repeated, which it calls "repeated location") is reported as an error."""
    profile = {
        "dhatFileVersion": 2, "mode": "heap", "verb": "Allocated", "bklt": True, "bkacc": True,
        "tu": "instrs", "Mtu": "Minstr", "tuth": 500, "cmd": "x", "pid": 1, "te": 100, "tg": 50,
        "pps": [{"tb": 1, "tbk": 1, "tl": 1, "mb": 1, "mbk": 1, "gb": 1, "gbk": 1, "eb": 0,
                 "ebk": 0, "rb": 0, "wb": 0, "fs": [1]}] * 2,
        "ftbl": ["[root]", "0x1: f (a.c:1)"],
    }
    path = tmp_path / "repeated.json"
    path.write_text(json.dumps(profile))
    page = _view(path, "dh_view-broken.png")
    assert page["errorTexts"] or page["pageErrors"], page
