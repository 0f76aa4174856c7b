"""The benchmark script works: it builds its workloads, prints one command per
workload and tool in --dry-run, and judges the targets correctly on made-up
samples.  No timing is asserted: timings belong to bench/bench.py's report,
not to the test suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_DIR / "bench"
sys.path.insert(0, str(BENCH_DIR))

import bench_report as report  # noqa: E402
from bench_workloads import ACCESS, OTHER, THREADED, Workload  # noqa: E402

WORKLOADS = ["churn", "access", "smallblocks", "matmul", "hashtable", "memcpy", "leak",
             "sort", "python3", "ruby", "gzip", "xz", "cc1", "threadpool", "threadpool_main",
             "tokio", "sort_parallel", "xz_threads", "scale_live", "scale_sites"]

# What only one workload's commands contain, where its name is not in them.
MARKERS = {"python3": "/usr/bin/python3", "ruby": "/usr/bin/ruby ", "cc1": "/cc1 ",
           "sort": "--parallel=1", "xz": " -T1 ", "threadpool": "/threadpool 2000 4",
           "threadpool_main": "/threadpool 2000 0", "tokio": "/tokio-tasks 1000",
           "sort_parallel": "--parallel=2", "xz_threads": " -T2 "}


def test_dry_run_prints_every_workload_under_every_tool() -> None:
    done = subprocess.run([sys.executable, str(BENCH_DIR / "bench.py"), "--quick",
                           "--dry-run"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    commands = [line for line in done.stdout.splitlines() if not line.startswith("#")]
    assert len(commands) == 4 * len(WORKLOADS), done.stdout
    for name in WORKLOADS:
        marker = MARKERS.get(name, f"/{name} ")
        runs = [c for c in commands if marker in c]
        assert len(runs) == 4, f"{name}: expected 4 commands, got {runs}"
    assert sum("--accesses=no" in c for c in commands) == len(WORKLOADS)
    assert sum("--tool=dhat" in c for c in commands) == len(WORKLOADS)
    assert all("--num-callers=24" in c for c in commands if "scale_sites" in c)


def test_unknown_workload_is_one_clear_error() -> None:
    done = subprocess.run([sys.executable, str(BENCH_DIR / "bench.py"), "--quick",
                           "--dry-run", "--workloads", "nosuch"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert "unknown workload 'nosuch'" in done.stderr
    assert "Traceback" not in done.stderr


def fake_result(wall_s: dict[str, float], rss_kb: dict[str, int]) -> report.Result:
    """One sample per tool, CPU time equal to wall time."""
    return report.Result({t: [report.Sample(s, s, 0.0, rss_kb[t], 0.0)]
                          for t, s in wall_s.items()})


def test_access_target_is_overhead_above_none() -> None:
    w = Workload("a", [], "", kind=ACCESS)
    # (hh - none) / (dhat - none) = (3 - 1) / (5 - 1) = 0.5: exactly at the limit.
    r = fake_result({"none": 1, "dhat": 5, "hh": 3, "hh-noacc": 1.5},
                    {"none": 1, "dhat": 1, "hh": 1, "hh-noacc": 1})
    found = {v.target: v for v in report.verdicts([w], {"a": r})}
    assert found["(hh-none)/(dhat-none) <= 0.5"].wall_word == "PASS"
    assert found["noacc/none <= 1.5"].wall_word == "PASS"


def test_threaded_target_is_time_against_dhat() -> None:
    w = Workload("t", [], "", kind=THREADED)
    # hh / dhat = 2.4 / 4 = 0.6 passes; 3.2 / 4 = 0.8 fails.
    for hh, word in ((2.4, "PASS"), (3.2, "FAIL")):
        r = fake_result({"none": 1, "dhat": 4, "hh": hh, "hh-noacc": 1.2},
                        {"none": 1, "dhat": 1, "hh": 1, "hh-noacc": 1})
        found = {v.target: v for v in report.verdicts([w], {"t": r})}
        assert found["hh/dhat <= 0.7"].wall_word == word
        assert "hh/dhat <= 1.0" not in found


def test_other_target_and_memory_target_fail_when_above_dhat() -> None:
    w = Workload("o", [], "", kind=OTHER, many_blocks=True)
    r = fake_result({"none": 1, "dhat": 4, "hh": 4.4, "hh-noacc": 2},
                    {"none": 100, "dhat": 300, "hh": 310, "hh-noacc": 200})
    found = {v.target: v for v in report.verdicts([w], {"o": r})}
    assert found["hh/dhat <= 1.0"].wall_word == "FAIL"
    assert found["RSS hh/dhat <= 1.0"].wall_word == "FAIL"
    assert found["noacc/none <= 1.5"].wall_word == "FAIL"


def test_summary_check_ignores_accesses_when_they_are_off() -> None:
    w = Workload("s", [], "")
    heap = {"Total:": "10 bytes in 1 blocks", "At t-gmax:": "10 bytes in 1 blocks",
            "At t-end:": "0 bytes in 0 blocks"}
    full = {**heap, "Reads:": "8 bytes", "Writes:": "10 bytes"}
    r = report.Result(summaries={"dhat": full, "hh": dict(full),
                                 "hh-noacc": {**heap, "Reads:": "0 bytes",
                                              "Writes:": "0 bytes"}})
    assert report.summary_check(w, r) == "yes"
    r.summaries["hh"]["Reads:"] = "9 bytes"
    assert report.summary_check(w, r).startswith("NO: hh Reads:")
