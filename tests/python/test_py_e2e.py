"""End to end: real programs under the real tool (./vg-in-place or
$HEAPHUNT_VG), read back by the package and the command.

The expectations are the hand-derived counts in the programs' own comments
(examples/leaky.c, tests/programs/malloc_basic.c, tests/python/programs/).
A missing tool fails these tests rather than skipping them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import heaphunt as hhlib
from heaphunt import findings
from heaphunt.cli import main

HERE = Path(__file__).resolve().parent
REPO_DIR = HERE.parents[1]
LAUNCHER = REPO_DIR / "bin" / "heaphunt"
DH_VIEW_SCRIPT = REPO_DIR / "tests" / "browser" / "dhview.mjs"

sys.path.insert(0, str(REPO_DIR / "tests"))
import heaphunt_testlib as testlib  # noqa: E402


def launcher(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LAUNCHER), *args], capture_output=True, text=True, timeout=300)


# --------------------------------------------------------------------------
# examples/leaky.c
# --------------------------------------------------------------------------

def test_leaky_totals_are_the_hand_derived_ones(leaky_run) -> None:
    assert leaky_run.returncode == 0, leaky_run.stderr
    hhlib.assert_totals(leaky_run.profile, bytes=41_728, blocks=111, gmax_bytes=35_968,
                        gmax_blocks=51, end_bytes=6_400, end_blocks=100, reads=36_928,
                        writes=41_728)


def test_leaky_sites_are_the_hand_derived_ones(leaky_run) -> None:
    p = leaky_run.profile
    hhlib.assert_site(p, "log_event", sites=2, bytes=6_400, blocks=100, end_bytes=6_400,
                      end_blocks=100, reads=1_600, writes=6_400, gmax_bytes=3_200)
    hhlib.assert_site(p, "process_lines", bytes=2_560, blocks=10, end_bytes=0, reads=2_560,
                      writes=2_560, max_bytes=256, max_blocks=1)
    hhlib.assert_site(p, "build_index", file="leaky.c", bytes=32_768, blocks=1,
                      gmax_bytes=32_768, reads=32_768, writes=32_768)


def test_leaky_first_finding_is_the_leak(leaky_run) -> None:
    first = findings.find_all(leaky_run.profile)[0]
    assert first.kind in ("leak", "leak-stale")
    assert first.site.function == "log_event" and first.bytes_involved == 3_200


def test_report_of_leaky(leaky_run) -> None:
    proc = launcher("report", leaky_run.profile.path, "--sort", "end-bytes", "--top", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "At t-end:  6,400 bytes in 100 blocks" in out
    assert "#1  3,200  log_event (leaky.c:" in out
    first_finding = out.split("Findings:\n", 1)[1].splitlines()[0]
    assert "3.2 kB" in first_finding and "log_event (leaky.c:" in first_finding
    # The events stay on a list a global points at: reachable, not lost.
    assert "still reachable at exit" in first_finding


def test_check_of_leaky_exit_statuses(leaky_run) -> None:
    path = leaky_run.profile.path
    over = launcher("check", path, "--max-end-bytes", "0")
    assert over.returncode == 1
    assert "bytes at t-end: expected <= 0, got 6,400 (6,400 over)" in over.stdout
    assert launcher("check", path, "--max-end-bytes", "6400", "--max-end-blocks", "100",
                    "--max-total-bytes", "41728", "--max-peak-bytes", "35968").returncode == 0
    site = launcher("check", path, "--site", "startup:eb<=0", "--site", "process_lines:eb<=0")
    assert site.returncode == 1 and "startup: eb: expected <= 0, got 3,200" in site.stdout
    assert "process_lines" not in site.stdout.split("\n", 1)[1].split("startup")[0]


def test_diff_heaphunt_vs_dhat_on_leaky_shows_no_change(leaky_run, leaky_dhat_profile,
                                                        capsys) -> None:
    """Same binary, same environment: the numbers DHAT also computes agree,
    and sites match by frames even though DHAT shows malloc's own frame."""
    for metric in ("tb", "tbk", "eb", "rb", "wb", "gb"):
        assert main(["diff", leaky_run.profile.path, str(leaky_dhat_profile),
                     "--sort", metric]) == 0
        out = capsys.readouterr().out
        # leaky.c's 4 sites: log_event from startup and from shutdown_,
        # process_lines, build_index.
        assert ("Sites, matched by call stack: 4 in A, 4 in B; 4 in both, 0 only in A,"
                " 0 only in B\n") in out, out
        assert out.endswith(" 0 of 4 sites changed\n"), out
        totals = out.split("Totals (A -> B, delta):\n")[1].split("\n\n")[0]
        lines = totals.splitlines()
        assert all(line.endswith("(0)") for line in lines[:8]), totals
        # DHAT records no copies: shown as absent, not as a change to 0.
        assert lines[8].split()[-3:] == ["->", "-", "(n/a)"], totals


def test_dhat_file_report_and_findings(leaky_dhat_profile) -> None:
    p = hhlib.load(leaky_dhat_profile)
    assert not p.is_heaphunt and p.totals.eb == 6_400
    assert findings.find_all(p)[0].kind == "leak"
    assert findings.find_all(p)[0].site.function == "log_event"


def _run_leaky(leaky_exe: Path, cwd: Path, *options: str) -> tuple[subprocess.CompletedProcess, int]:
    proc = subprocess.run([str(LAUNCHER), "run", "--top", "1", *options, "--", str(leaky_exe)],
                          capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=hhlib.fixed_env())
    assert proc.returncode == 0, proc.stderr
    assert "Total:     41,728 bytes in 111 blocks" in proc.stdout
    assert "Findings:" in proc.stdout
    return proc, int(proc.stderr.split("==")[1])


def test_run_command_on_leaky_keeps_the_profile_valgrind_names(leaky_exe: Path,
                                                               tmp_path: Path) -> None:
    # Without -o the profile is Valgrind's default heaphunt.out.<pid>, in
    # the current directory: the path Valgrind prints at exit, and the one
    # the report names, is the file the user then has.
    proc, pid = _run_leaky(leaky_exe, tmp_path)
    kept = tmp_path / f"heaphunt.out.{pid}"
    assert list(tmp_path.iterdir()) == [kept]
    assert f"=={pid}== Profile: {kept}\n" in proc.stderr
    assert f"Profile:   heaphunt.out.{pid} (" in proc.stdout
    assert hhlib.load(kept).totals.tb == 41_728


def test_run_command_output_option_names_the_one_profile(leaky_exe: Path,
                                                          tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    proc, pid = _run_leaky(leaky_exe, tmp_path, "-o", "out/leaky.json")
    kept = tmp_path / "out" / "leaky.json"
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "out", kept]
    assert f"=={pid}== Profile: {kept}\n" in proc.stderr
    assert "Profile:   out/leaky.json (" in proc.stdout
    assert hhlib.load(kept).totals.tb == 41_728


# --------------------------------------------------------------------------
# copies and staleness (tests/python/programs)
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def copier(python_test_program, tmp_path_factory) -> hhlib.Profile:
    exe = python_test_program("copier")
    cwd = tmp_path_factory.mktemp("copier")
    return hhlib.run([str(exe)], env=hhlib.fixed_env(), cwd=cwd,
                     save_to=cwd / "copier.json").profile


def test_copier_copy_counts(copier: hhlib.Profile) -> None:
    hhlib.assert_site(copier, "make_src", bytes=1_000, blocks=1, writes=1_000, reads=2_000,
                      copy_out_bytes=2_000, copy_out_calls=2, copy_in_bytes=0)
    hhlib.assert_site(copier, "make_dst", bytes=1_000, blocks=1, writes=2_000, reads=0,
                      copy_in_bytes=2_000, copy_in_calls=2, write_only_blocks=1)
    src = next(s for s in copier.sites if s.function == "make_src").index
    dst = next(s for s in copier.sites if s.function == "make_dst").index
    copy_sites = [c for c in copier.copy_sites if c.name.startswith("copy_twice ")]
    assert [(c.cb, c.cbk, c.src, c.dst) for c in copy_sites] == [
        (1_000, 1, [(src, 1_000)], [(dst, 1_000)])] * 2


def test_copier_findings(copier: hhlib.Profile) -> None:
    kinds = [(f.kind, f.site.function) for f in findings.find_all(copier)]
    assert kinds[:2] == [("copied-more-than-read", "make_src"), ("write-only", "make_dst")]


def test_export_copy_mode_of_real_profile(copier: hhlib.Profile, tmp_path: Path) -> None:
    out = tmp_path / "copies.json"
    proc = launcher("export", "--mode=copy", copier.path, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    exported = hhlib.load(out)
    assert exported.mode == "copy"
    assert (exported.totals.tb, exported.totals.tbk) == (copier.totals.cb, copier.totals.cbk)


def test_ghost_is_leak_stale(python_test_program, tmp_path: Path) -> None:
    exe = python_test_program("ghost")
    p = hhlib.run([str(exe)], env=hhlib.fixed_env(), cwd=tmp_path).profile
    hhlib.assert_totals(p, bytes=100_000, blocks=100, end_bytes=100_000, end_blocks=100,
                        reads=0, writes=100_000)
    site = next(s for s in p.sites if s.function == "make_ghosts")
    assert site.end_idle_deciles == [0] * 6 + [100_000] + [0] * 3
    assert (site.lost_bytes, site.lost_blocks) == (0, 0)
    first = findings.find_all(p)[0]
    assert first.kind == "leak-stale" and first.site is site
    assert first.sentence.startswith("100.0 kB allocated at make_ghosts (ghost.c:")
    assert first.sentence.endswith("are still reachable at exit, 100% of it not accessed in "
                                   "the last 20% of the run")


# --------------------------------------------------------------------------
# the pytest fixture and the assertion helpers
# --------------------------------------------------------------------------

@pytest.mark.heaphunt_options("--histogram-max=100")
def test_fixture_runs_malloc_basic_with_exact_counts(heaphunt) -> None:
    exe = testlib.build_program("malloc_basic")
    expected = testlib.parse_expectations("malloc_basic")
    profile = heaphunt([exe])
    s = expected.summary
    hhlib.assert_totals(profile, bytes=s["tb"], blocks=s["tbk"], gmax_bytes=s["gb"],
                        gmax_blocks=s["gbk"], end_bytes=s["eb"], end_blocks=s["ebk"],
                        reads=s["rb"], writes=s["wb"])
    site = expected.sites["alloc_hundred"]
    hhlib.assert_site(profile, "alloc_hundred", bytes=site["tb"], blocks=site["tbk"],
                      end_bytes=site["eb"], end_blocks=site["ebk"],
                      acc=testlib.decode_acc([-100, 0]))
    assert "--histogram-max=100" in heaphunt.last.command


def test_assert_totals_failure_shows_expected_got_and_sites(leaky_run) -> None:
    with pytest.raises(AssertionError) as info:
        hhlib.assert_totals(leaky_run.profile, end_bytes=0, blocks=111)
    message = str(info.value)
    assert "bytes at t-end (end_bytes): expected 0, got 6,400" in message
    assert "blocks" not in message.split("top sites")[0].split("\n", 2)[-1]
    top = message.split("top sites by eb:\n")[1].splitlines()
    assert top[0].split()[:2] == ["3,200", "eb"] and "log_event (leaky.c:" in top[0]
    assert len(top) == 4   # all four sites of leaky, at most 5 shown


def test_assert_site_failure_lists_matching_sites(leaky_run) -> None:
    with pytest.raises(AssertionError) as info:
        hhlib.assert_site(leaky_run.profile, "log_event", bytes=1)
    message = str(info.value)
    assert "total bytes (bytes): expected 1, got 6,400" in message
    assert "called from startup" in message and "called from shutdown_" in message


def test_assert_site_no_match_lists_top_sites(leaky_run) -> None:
    with pytest.raises(AssertionError, match="no site's first frame is in nosuchfn"):
        hhlib.assert_site(leaky_run.profile, "nosuchfn", bytes=1)


# --------------------------------------------------------------------------
# files we write open in Valgrind's dh_view.html
# --------------------------------------------------------------------------

def _dh_view(profile: Path, screenshot: Path) -> dict:
    assert (REPO_DIR / "tests" / "browser" / "node_modules" / "playwright-core").exists(), (
        "playwright-core not installed: run scripts/install-deps.sh")
    proc = subprocess.run(["node", str(DH_VIEW_SCRIPT), str(profile), str(screenshot)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    page = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not page["errorTexts"] and not page["pageErrors"], page
    return page


def test_merged_and_exported_files_open_in_dh_view(leaky_run, copier: hhlib.Profile,
                                                   leaky_dhat_profile, tmp_path: Path) -> None:
    merged = tmp_path / "merged.json"
    proc = launcher("merge", leaky_run.profile.path, leaky_run.profile.path,
                    str(leaky_dhat_profile), "-o", str(merged))
    assert proc.returncode == 0, proc.stderr
    m = hhlib.load(merged)
    assert m.totals.tb == 3 * 41_728 and m.totals.eb == 3 * 6_400
    artifacts = REPO_DIR / "build" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    page = _dh_view(merged, artifacts / "python-merged.png")
    assert f"Total:     {3 * 41_728:,} bytes (100%" in page["rootText"]
    assert f"At t-end:  {3 * 6_400:,} bytes" in page["rootText"]

    exported = tmp_path / "copies.json"
    assert launcher("export", "--mode=copy", copier.path, "-o", str(exported)).returncode == 0
    page = _dh_view(exported, artifacts / "python-export-copy.png")
    assert f"Total:     {copier.totals.cb:,} bytes (100%" in page["rootText"]


def test_real_dhat_copy_mode_file(python_test_program, tmp_path: Path, capsys) -> None:
    """valgrind --tool=dhat --mode=copy on copier: loads, reports, merges."""
    from heaphunt.runner import find_valgrind
    exe = python_test_program("copier")
    out = tmp_path / "dhat-copy.json"
    subprocess.run([find_valgrind(), "--tool=dhat", "--mode=copy", f"--dhat-out-file={out}",
                    str(exe)], cwd=tmp_path, env=hhlib.fixed_env(), capture_output=True,
                   check=True)
    p = hhlib.load(out)
    assert p.mode == "copy" and p.tg is None
    copy_twice = [s for s in p.sites if s.function == "copy_twice"]
    assert sorted((s.tb, s.tbk) for s in copy_twice) == [(1_000, 1), (1_000, 1)]
    assert main(["report", str(out), "--top", "3"]) == 0
    assert "Copied" in capsys.readouterr().out
    merged = tmp_path / "merged.json"
    assert main(["merge", str(out), str(out), "-o", str(merged)]) == 0
    assert hhlib.load(merged).totals.tb == 2 * p.totals.tb
