"""`heaphunt check` in CI: growth against a baseline, budgets files, JUnit XML
and GitHub annotations.

Hand-made profiles (hh_handmade.py; every number derived there) for the
rules and messages, and real runs of tests/python/programs/ledger.c (a
stable program and a growing one, counts derived in its header) for the
gate end to end.  The JUnit files are read back with xml.etree and with
junitparser (Debian's python3-junitparser), a JUnit consumer.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import pytest

import heaphunt
import hh_handmade as hm
from heaphunt.cli import main

REPO_DIR = Path(__file__).resolve().parents[2]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as e:
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def _grown() -> dict:
    """handmade() with make_event +1,200,000 bytes (12,000,000 -> 13,200,000,
    +10%) and scratch +36,000 bytes (64,000 -> 100,000, +56.25%): total bytes
    18,064,000 -> 19,300,000, +1,236,000 (+6.84%)."""
    doc = hm.handmade()
    doc["pps"][0]["tb"] += 1_200_000
    doc["pps"][2]["tb"] += 36_000
    doc["hhTotals"]["tb"] += 1_236_000
    return doc


@pytest.fixture
def old_new(tmp_path: Path) -> tuple[Path, Path]:
    return hm.write(hm.handmade(), tmp_path / "old.json"), hm.write(_grown(), tmp_path / "new.json")


# --------------------------------------------------------------------------
# Growth limits
# --------------------------------------------------------------------------

def test_growth_bytes_over_limit_exits_1_with_the_sites_that_grew(old_new, capsys) -> None:
    old, new = old_new
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--max-growth-bytes", "1000000"], capsys)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == (f"heaphunt check: {new} (baseline {old}): FAILED, 1 of 1 limit exceeded")
    assert lines[1] == ("total bytes growth: expected <= +1,000,000 over the baseline,"
                        " got +1,236,000 (18,064,000 -> 19,300,000; 236,000 over)")
    assert lines[2].split() == ["+1,200,000", "make_event", "(leaky.c:42)", "called", "from",
                                "main", "(leaky.c:80)"]
    assert lines[3].split()[:2] == ["+36,000", "scratch"]
    assert len(lines) == 4


def test_growth_within_limits_exits_0(old_new, capsys) -> None:
    old, new = old_new
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--max-growth-bytes", "1236000", "--max-growth-percent", "6.9"],
                             capsys)
    assert status == 0 and out.endswith(": OK, 2 limits met\n"), out


def test_growth_percent_is_of_the_baseline_value(old_new, capsys) -> None:
    old, new = old_new
    # 1,236,000 / 18,064,000 = 6.842...%
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--max-growth-percent", "6.8"], capsys)
    assert status == 1
    assert ("total bytes growth: expected <= +6.8% over the baseline, got +6.84%"
            " (18,064,000 -> 19,300,000)") in out.splitlines()


def test_growth_metric_option_picks_the_number(old_new, capsys) -> None:
    old, new = old_new
    # Blocks did not change, end bytes neither: both gates pass at 0.
    for metric in ("total-blocks", "eb"):
        status, out, _ = run_cli(["check", str(new), "--baseline", str(old), "--metric", metric,
                                  "--max-growth-bytes", "0"], capsys)
        assert status == 0, out


def test_site_growth_limits(old_new, capsys) -> None:
    old, new = old_new
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--site", "make_event:tb<=+10%", "--site", "scratch:tb<=+50%",
                              "--site", "scratch:tb<=+36000", "--site", "make_event:eb<=+0"],
                             capsys)
    assert status == 1
    lines = out.splitlines()
    assert "FAILED, 1 of 4 limits exceeded" in lines[0]
    assert lines[1] == ("scratch: tb growth: expected <= +50% over the baseline, got +56.25%"
                        " (64,000 -> 100,000)")
    assert lines[2].split()[:2] == ["+36,000", "scratch"]


def test_growth_from_zero_fails_any_percent(tmp_path: Path, capsys) -> None:
    old_doc = hm.handmade()
    old_doc["pps"][1]["hhCopyInB"] = 0
    old = hm.write(old_doc, tmp_path / "old.json")
    new = hm.write(hm.handmade(), tmp_path / "new.json")   # read_input: hhCopyInB 500,000
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--site", "read_input:hhCopyInB<=+1000%"], capsys)
    assert status == 1
    assert ("read_input: hhCopyInB growth: expected <= +1000% over the baseline,"
            " got +inf% (from 0) (0 -> 500,000)") in out.splitlines()


@pytest.mark.parametrize("args,message", [
    (["--max-growth-bytes", "0"], "is a growth limit: give the profile to compare with"),
    (["--site", "main:tb<=+5%"], "is a growth limit"),
    (["--baseline", "OLD", "--metric", "total-avg-size", "--max-growth-bytes", "1"],
     "--metric 'total-avg-size': not a count that can grow"),
    (["--baseline", "OLD", "--metric", "eb"], "--metric: names what --max-growth-bytes"),
    (["--baseline", "OLD", "--max-growth-percent", "-1"], "'-1' is not a percentage >= 0"),
    (["--site", "main:tb<=5%"], "expected FUNC:METRIC<=N, FUNC:METRIC<=+N or FUNC:METRIC<=+P%"),
    (["--site", "main:tb<=+1.5"], "expected FUNC:METRIC<=N"),
    (["--baseline", "missing.json", "--max-growth-bytes", "0"], "missing.json"),
])
def test_growth_bad_options_exit_2(old_new, capsys, args: list[str], message: str) -> None:
    old, new = old_new
    args = [str(old) if a == "OLD" else a for a in args]
    status, out, err = run_cli(["check", str(new), *args], capsys)
    assert status == 2 and err.count("\n") == 1 and message in err, err


# --------------------------------------------------------------------------
# Budgets files
# --------------------------------------------------------------------------

BUDGETS = """\
# global limits
max-end-bytes = 12_000_000
max-peak-bytes = 10_000_000
metric = "total-bytes"
max-growth-percent = 5

[[site]]
function = "make_event"
eb = 12_000_000
tb = ["+1200000", "+5%"]

[[site]]
function = "scratch"
tbk = 1000
"""


def test_budgets_file_limits(old_new, tmp_path: Path, capsys) -> None:
    old, new = old_new
    budgets = tmp_path / "budgets.toml"
    budgets.write_text(BUDGETS)
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old),
                              "--budgets", str(budgets)], capsys)
    assert status == 1
    lines = out.splitlines()
    # 7 limits: 2 global, the growth of tb (+6.84% > 5%), make_event's eb,
    # its tb growth (+1,200,000 = limit; +10% > 5%), scratch's tbk.
    assert "FAILED, 2 of 7 limits exceeded" in lines[0]
    assert lines[1].startswith("total bytes growth: expected <= +5% over the baseline, got +6.84%")
    failed = [line for line in lines if not line.startswith(" ")]
    assert failed[2] == ("make_event: tb growth: expected <= +5% over the baseline, got +10%"
                         " (12,000,000 -> 13,200,000)")


def test_budgets_and_options_add_up(old_new, tmp_path: Path, capsys) -> None:
    old, new = old_new
    budgets = tmp_path / "budgets.toml"
    budgets.write_text("max-end-bytes = 12_000_000\n")
    status, out, _ = run_cli(["check", str(new), "--budgets", str(budgets),
                              "--max-end-blocks", "999"], capsys)
    assert status == 1 and "FAILED, 1 of 2 limits exceeded" in out


@pytest.mark.parametrize("text,message", [
    ("max-end-byte = 0\n", "unknown key 'max-end-byte'"),
    ("max-end-bytes = -1\n", "max-end-bytes: expected a whole number >= 0, got -1"),
    ("max-end-bytes = 1.5\n", "max-end-bytes: expected a whole number >= 0, got 1.5"),
    ("max-end-bytes = 0\nmax-end-bytes = 1\n", "not valid TOML"),
    ("max-growth-percent = \"5%\"\n", "expected a percentage >= 0"),
    ("metric = \"tiny\"\nmax-growth-bytes = 1\n", "'tiny': not a count that can grow"),
    ("[[site]]\neb = 0\n", "site[0]: needs function = \"NAME\""),
    ("[[site]]\nfunction = \"main\"\n", "site[0] (main): no limits"),
    ("[[site]]\nfunction = \"main\"\nebb = 0\n", "unknown metric 'ebb'"),
    ("[[site]]\nfunction = \"main\"\neb = \"5%\"\n", "expected N (at most N), \"+N\" or \"+P%\""),
    ("[[site]]\nfunction = \"main\"\neb = []\n", "an empty list"),
    ("site = 3\n", "expected [[site]] tables"),
    ("# nothing\n", "names no limit"),
])
def test_bad_budgets_file_exits_2(old_new, tmp_path: Path, capsys, text: str,
                                  message: str) -> None:
    old, new = old_new
    budgets = tmp_path / "budgets.toml"
    budgets.write_text(text)
    status, _, err = run_cli(["check", str(new), "--baseline", str(old),
                              "--budgets", str(budgets)], capsys)
    assert status == 2 and err.count("\n") == 1, err
    assert err.startswith(f"heaphunt: {budgets}: ") and message in err, err


def test_budgets_file_missing_or_binary_exits_2(old_new, tmp_path: Path, capsys) -> None:
    _, new = old_new
    status, _, err = run_cli(["check", str(new), "--budgets", str(tmp_path / "none.toml")],
                             capsys)
    assert status == 2 and "none.toml: cannot read" in err
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    status, _, err = run_cli(["check", str(new), "--budgets", str(binary)], capsys)
    assert status == 2 and "b.toml: not valid TOML" in err


# --------------------------------------------------------------------------
# JUnit XML and GitHub annotations
# --------------------------------------------------------------------------

def test_junit_file_one_case_per_limit(old_new, tmp_path: Path, capsys) -> None:
    old, new = old_new
    junit = tmp_path / "check.xml"
    status, _, _ = run_cli(["check", str(new), "--baseline", str(old), "--max-end-bytes", "0",
                            "--max-peak-bytes", "10000000", "--max-growth-bytes", "1000000",
                            "--junit", str(junit)], capsys)
    assert status == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "2"
    cases = root.findall("testsuite/testcase")
    # In the order of check's options (peak before end), then growth.
    assert [c.get("name") for c in cases] == ["bytes at t-gmax (peak) <= 10,000,000",
                                              "bytes at t-end <= 0",
                                              "total bytes growth <= +1,000,000"]
    assert [c.find("failure") is not None for c in cases] == [False, True, True]
    failure = cases[1].find("failure")
    assert failure.get("message") == "expected <= 0, got 12,000,000 (12,000,000 over)"
    assert "make_event (leaky.c:42)" in failure.text
    props = {p.get("name"): p.get("value") for p in root.findall("testsuite/properties/property")}
    assert props == {"profile": str(new), "baseline": str(old)}


def test_junit_file_read_by_junitparser(old_new, tmp_path: Path, capsys) -> None:
    old, new = old_new
    junit = tmp_path / "check.xml"
    run_cli(["check", str(new), "--baseline", str(old), "--max-end-bytes", "0",
             "--site", "scratch:tb<=+50%", "--site", "make_event:tb<=+10%",
             "--junit", str(junit)], capsys)
    xml = junitparser.JUnitXml.fromfile(str(junit))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.tests, suite.failures, suite.errors) == (3, 2, 0)
    outcome = {}
    for case in suite:
        failures = [r for r in case.result if isinstance(r, junitparser.Failure)]
        outcome[case.name] = failures[0].message if failures else "passed"
        assert case.classname == "heaphunt.check"
    assert outcome == {
        "bytes at t-end <= 0": "expected <= 0, got 12,000,000 (12,000,000 over)",
        "scratch: tb growth <= +50%":
            "expected <= +50% over the baseline, got +56.25% (64,000 -> 100,000)",
        "make_event: tb growth <= +10%": "passed",
    }


def test_junit_written_when_all_pass_and_bad_path_exits_2(old_new, tmp_path: Path,
                                                          capsys) -> None:
    _, new = old_new
    junit = tmp_path / "ok.xml"
    status, _, _ = run_cli(["check", str(new), "--max-end-bytes", "12000000",
                            "--junit", str(junit)], capsys)
    assert status == 0
    suite = list(junitparser.JUnitXml.fromfile(str(junit)))[0]
    assert (suite.tests, suite.failures) == (1, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "ok.xml", "old.json"]
    status, _, err = run_cli(["check", str(new), "--max-end-bytes", "0",
                              "--junit", str(tmp_path / "no" / "x.xml")], capsys)
    assert status == 2 and "--junit" in err and "does not exist" in err


def test_github_annotations(old_new, capsys) -> None:
    old, new = old_new
    status, out, _ = run_cli(["check", str(new), "--baseline", str(old), "--max-end-bytes", "0",
                              "--max-growth-percent", "50", "--github"], capsys)
    assert status == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=leaky.c,line=42,title=heaphunt check%3A bytes at t-end::"
        "bytes at t-end: expected <= 0, got 12,000,000 (12,000,000 over)%0A"
        "     12,000,000  make_event (leaky.c:42)"]


# --------------------------------------------------------------------------
# Real runs: a stable program and a growing one
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ledger_profiles(python_test_program, tmp_path_factory: pytest.TempPathFactory
                    ) -> dict[str, Path]:
    from conftest import runner_or_fail
    runner_or_fail()
    exe = python_test_program("ledger")
    out = {}
    for name, n in (("baseline", 100), ("stable", 100), ("growing", 110)):
        cwd = tmp_path_factory.mktemp(f"ledger-{name}")
        result = heaphunt.run([str(exe), str(n)], env=heaphunt.fixed_env(), cwd=cwd,
                              save_to=cwd / f"{name}.json")
        assert result.returncode == 0, result.stderr
        out[name] = cwd / f"{name}.json"
    return out


def _cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO_DIR / "bin" / "heaphunt"), *args],
                          capture_output=True, text=True, timeout=60)


def test_ledger_counts_as_derived(ledger_profiles) -> None:
    for name, n in (("baseline", 100), ("growing", 110)):
        p = heaphunt.load(ledger_profiles[name])
        heaphunt.assert_totals(p, bytes=40 * n, blocks=n + 1, end_bytes=0)
        heaphunt.assert_site(p, "add_entry", bytes=32 * n, blocks=n)
        heaphunt.assert_site(p, "build_index", bytes=8 * n, blocks=1)


def test_baseline_gate_passes_a_stable_program(ledger_profiles, tmp_path: Path) -> None:
    junit = tmp_path / "stable.xml"
    proc = _cli(["check", str(ledger_profiles["stable"]), "--baseline",
                 str(ledger_profiles["baseline"]), "--max-growth-bytes", "0",
                 "--max-growth-percent", "0", "--site", "add_entry:tb<=+0",
                 "--metric", "total-blocks", "--junit", str(junit), "--github"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.endswith(": OK, 3 limits met\n")
    suite = list(junitparser.JUnitXml.fromfile(str(junit)))[0]
    assert (suite.tests, suite.failures) == (3, 0)


def test_baseline_gate_fails_a_growing_program(ledger_profiles, tmp_path: Path) -> None:
    junit = tmp_path / "growing.xml"
    proc = _cli(["check", str(ledger_profiles["growing"]), "--baseline",
                 str(ledger_profiles["baseline"]), "--max-growth-bytes", "399",
                 "--max-growth-percent", "10", "--site", "add_entry:tb<=+300",
                 "--site", "build_index:tb<=+80", "--junit", str(junit), "--github"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "FAILED, 2 of 4 limits exceeded" in lines[0]
    assert lines[1] == ("total bytes growth: expected <= +399 over the baseline, got +400"
                        " (4,000 -> 4,400; 1 over)")
    assert lines[2].split()[:2] == ["+320", "add_entry"]
    assert lines[3].split()[:2] == ["+80", "build_index"]
    assert lines[4] == ("add_entry: tb growth: expected <= +300 over the baseline, got +320"
                        " (3,200 -> 3,520; 20 over)")
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == 2
    assert annotations[1].startswith("::error file=ledger.c,line=")
    suite = list(junitparser.JUnitXml.fromfile(str(junit)))[0]
    assert (suite.tests, suite.failures) == (4, 2)
