"""The heaphunt command on hand-made profiles: report, diff, check, merge,
export, view and run (with a stand-in valgrind), in process via main()
except where the process itself is under test."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import heaphunt
import hh_handmade as hm
from heaphunt.cli import main
from heaphunt.metrics import metric_names
from heaphunt.view import make_server, serve_in_thread, viewer_url

REPO_DIR = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_DIR / "bin" / "heaphunt"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as e:
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def handmade_file(tmp_path: Path) -> Path:
    return hm.write(hm.handmade(), tmp_path / "handmade.json")


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------

def test_report_header_has_dhat_summary_and_copies(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["report", str(handmade_file)], capsys)
    assert status == 0
    for line in ["Total:     18,064,000 bytes in 2,101 blocks",
                 "At t-gmax: 10,000,000 bytes in 501 blocks",
                 "At t-end:  12,000,000 bytes in 1,000 blocks",
                 "Reads:     5,017,000 bytes",
                 "Writes:    18,032,000 bytes",
                 "Copies:    3,500,000 bytes in 35 calls"]:
        assert line in out.splitlines(), line


def test_report_sorts_and_shows_stacks_and_findings(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["report", str(handmade_file), "--sort", "end-bytes"], capsys)
    assert status == 0
    assert "#1  12,000,000  make_event (leaky.c:42)" in out
    # only sites with bytes at t-end... every site has an eb (0), all ranked
    assert out.index("#1  12,000,000  make_event") < out.index("#2  ")
    assert "    at make_event (leaky.c:42)\n       main (leaky.c:80)" in out
    findings = out.split("Findings:\n", 1)[1]
    assert findings.splitlines()[0] == (
        "  [leak-stale] 12.0 MB allocated at make_event (leaky.c:42) are still live at exit, "
        "97% of it not accessed in the last 20% of the run")


def test_report_sort_by_json_key_and_top(handmade_file: Path, capsys) -> None:
    _, out, _ = run_cli(["report", str(handmade_file), "--sort", "hhCopyOutB", "--top", "1"],
                        capsys)
    assert "#1  3,000,000  fill_table (table.c:20)" in out and "#2" not in out


def test_report_filter_matches_any_frame(handmade_file: Path, capsys) -> None:
    _, out, _ = run_cli(["report", str(handmade_file), "--filter", "io.c"], capsys)
    assert "4 sites, 1 matching 'io.c'" in out
    assert "read_input (io.c:10)" in out and "#2" not in out
    _, out, _ = run_cli(["report", str(handmade_file), "--filter", "leaky.c:81",
                         "--no-findings"], capsys)
    assert "#1  2,000,000  read_input" in out and "Findings:" not in out


def test_report_stacks_zero_hides_frames(handmade_file: Path, capsys) -> None:
    _, out, _ = run_cli(["report", str(handmade_file), "--stacks", "0"], capsys)
    assert "    at " not in out


@pytest.mark.parametrize("metric", metric_names())
def test_report_every_sort_metric(handmade_file: Path, capsys, metric: str) -> None:
    status, out, err = run_cli(["report", str(handmade_file), "--sort", metric], capsys)
    assert status == 0 and not err
    assert f"({metric};" in out


@pytest.mark.parametrize("metric", ["short-lived", "tiny", "zero-rw-bytes", "end-idle-bytes"])
def test_report_every_sort_metric_on_plain_dhat(tmp_path: Path, capsys, metric: str) -> None:
    path = hm.write(hm.as_plain_dhat(hm.handmade()), tmp_path / "d.json")
    status, _, err = run_cli(["report", str(path), "--sort", metric], capsys)
    assert status == 0 and not err


def test_report_copy_mode_file(tmp_path: Path, capsys) -> None:
    path = hm.write(hm.copy_mode(), tmp_path / "c.json")
    status, out, _ = run_cli(["report", str(path)], capsys)
    assert status == 0 and "Total:     340 bytes in 7 calls (Copied)" in out
    # A copy site counts memcpy-family calls, not heap blocks.
    assert "    total 300 bytes in 3 calls (avg size 100.0 bytes)\n" in out
    assert "    total 40 bytes in 4 calls (avg size 10.0 bytes)\n" in out
    assert "block" not in out
    _, out, _ = run_cli(["report", str(path), "--sort", "total-blocks"], capsys)
    assert "Top 2 sites by total calls (total-blocks; 2 sites):\n" in out


def test_report_unknown_metric_is_one_line(handmade_file: Path, capsys) -> None:
    status, out, err = run_cli(["report", str(handmade_file), "--sort", "bogus"], capsys)
    assert status == 2 and err.count("\n") == 1 and "unknown metric 'bogus'" in err


def test_report_negative_top_is_one_line(handmade_file: Path, capsys) -> None:
    status, _, err = run_cli(["report", str(handmade_file), "--top", "-3"], capsys)
    assert status == 2 and err.count("\n") == 1 and "--top" in err


# --------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------

def _changed(doc: dict[str, Any]) -> dict[str, Any]:
    """B: make_event grows by 1,000,000 bytes, scratch is gone, the sites are
    listed in another order, and every code address moved (a rebuild)."""
    doc["pps"][0]["tb"] += 1_000_000
    doc["hhTotals"]["tb"] += 1_000_000 - 64_000
    del doc["pps"][2]
    doc["hhCopySites"][1]["dst"] = [[1, 500_000]]
    doc["pps"].reverse()
    doc["hhCopySites"][0]["src"] = [[0, 3_000_000]]   # fill_table is now pps[0]
    doc["hhCopySites"][1]["dst"] = [[2, 500_000]]     # read_input is now pps[2]
    doc["ftbl"] = [f.replace("0x40", "0x50") for f in doc["ftbl"]]
    return doc


def test_diff_matches_sites_by_frames_not_index(tmp_path: Path, capsys) -> None:
    a = hm.write(hm.handmade(), tmp_path / "a.json")
    b = hm.write(_changed(hm.handmade()), tmp_path / "b.json")
    status, out, _ = run_cli(["diff", str(a), str(b)], capsys)
    assert status == 0
    lines = out.splitlines()
    # A has 4 sites; B has 3 of them (make_event grown, scratch gone).
    i = lines.index("Sites, matched by call stack: 4 in A, 3 in B; 3 in both, 1 only in A,"
                    " 0 only in B")
    assert lines[i + 1] == "By change in total bytes (total-bytes): 2 of 4 sites changed"
    i += 1
    assert lines[i + 1].split() == ["+1,000,000", "(12,000,000", "->", "13,000,000)",
                                    "make_event", "(leaky.c:42)"]
    assert lines[i + 3].split()[:4] == ["-64,000", "(64,000", "->", "0)"]
    assert lines[i + 3].endswith("scratch (util.c:5)  [only in A]")
    assert lines[i + 4].strip() == "called from main (leaky.c:82)"
    assert len(lines) == i + 5
    assert any(line.split()[:2] == ["total", "bytes"] and line.split()[-1] == "(+936,000)"
               for line in lines)


def test_diff_filter_and_metric(tmp_path: Path, capsys) -> None:
    a = hm.write(hm.handmade(), tmp_path / "a.json")
    b = hm.write(_changed(hm.handmade()), tmp_path / "b.json")
    _, out, _ = run_cli(["diff", str(a), str(b), "--sort", "tbk", "--filter", "util.c"], capsys)
    assert ("Sites matching 'util.c', matched by call stack: 1 in A, 0 in B; 0 in both,"
            " 1 only in A, 0 only in B\n"
            "By change in total blocks (total-blocks): 1 of 1 site changed\n"
            "          -1,000  (1,000 -> 0)  scratch (util.c:5)  [only in A]\n") in out


def test_diff_says_how_many_changes_it_shows(tmp_path: Path, capsys) -> None:
    a = hm.write(hm.handmade(), tmp_path / "a.json")
    b = hm.write(_changed(hm.handmade()), tmp_path / "b.json")
    _, out, _ = run_cli(["diff", str(a), str(b), "--top", "1"], capsys)
    assert "By change in total bytes (total-bytes): 2 of 4 sites changed; the 1 largest:\n" in out
    assert "[only in A]" not in out


def test_diff_identical_profiles_has_no_change(handmade_file: Path, capsys) -> None:
    _, out, _ = run_cli(["diff", str(handmade_file), str(handmade_file)], capsys)
    assert out.endswith("Sites, matched by call stack: 4 in A, 4 in B; 4 in both, 0 only in A,"
                        " 0 only in B\n"
                        "By change in total bytes (total-bytes): 0 of 4 sites changed\n")


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------

def test_check_within_limits_exits_0(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["check", str(handmade_file), "--max-end-bytes", "12000000",
                              "--max-total-blocks", "2101", "--site", "scratch:tbk<=1000"],
                             capsys)
    assert status == 0 and "OK, 3 limits met" in out


def test_check_over_limit_exits_1_with_expected_got_and_sites(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["check", str(handmade_file), "--max-end-bytes", "0",
                              "--max-peak-bytes", "10000000", "--site", "main:gb<=4000000"],
                             capsys)
    assert status == 1
    lines = out.splitlines()
    assert "FAILED, 2 of 3 limits exceeded" in lines[0]
    assert "bytes at t-end: expected <= 0, got 12,000,000 (12,000,000 over)" in lines
    assert lines[lines.index("bytes at t-end: expected <= 0, got 12,000,000 (12,000,000 over)")
                 + 1].split() == ["12,000,000", "make_event", "(leaky.c:42)"]
    assert "main: gb: expected <= 4,000,000, got 10,000,000 (6,000,000 over)" in lines


def test_check_site_limit_uses_any_frame_of_the_stack(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["check", str(handmade_file), "--site", "main:tbk<=2100"], capsys)
    assert status == 1 and "main: tbk: expected <= 2,100, got 2,101" in out


@pytest.mark.parametrize("args,message", [
    ([], "no limits given"),
    (["--site", "main:eb<0"], "expected FUNC:METRIC<=N"),
    (["--site", "main:bogus<=1"], "unknown metric 'bogus'"),
    (["--max-end-bytes", "lots"], "'lots' is not a whole number"),
])
def test_check_bad_options_exit_2(handmade_file: Path, capsys, args: list[str],
                                  message: str) -> None:
    status, _, err = run_cli(["check", str(handmade_file), *args], capsys)
    assert status == 2 and err.count("\n") == 1 and message in err, err


def _heaphunt_without_copies() -> dict[str, Any]:
    """What --copies=no writes: hhCopies false, no cb/cbk in hhTotals."""
    doc = hm.handmade()
    doc["hhCopies"] = False
    del doc["hhTotals"]["cb"], doc["hhTotals"]["cbk"]
    return doc


@pytest.mark.parametrize("doc, args, why", [
    (hm.as_plain_dhat(hm.handmade()), ["--max-copied-bytes", "0"],
     "has no bytes copied: it is a DHAT heap profile, which has no copy or access-pattern"
     " numbers (DHAT counts copies only in a run of its own, --mode=copy); check a heaphunt"
     " profile of the program"),
    (hm.as_plain_dhat(hm.handmade()), ["--site", "main:hhNoAccK<=0"],
     "its sites have no hhNoAccK numbers: it is a DHAT heap profile, which has no copy or"
     " access-pattern numbers (DHAT counts copies only in a run of its own, --mode=copy);"
     " check a heaphunt profile of the program"),
    (_heaphunt_without_copies(), ["--max-copied-bytes", "0"],
     "has no bytes copied: it was profiled with --copies=no; drop the limit or profile with"
     " copies on"),
    (hm.copy_mode(), ["--max-copied-bytes", "0"],
     "has no bytes copied: a copy-mode file counts only the bytes copied and the calls, as"
     " its total bytes and total blocks; use --max-total-bytes or --max-total-blocks"),
    # A copy-mode file's other totals read as 0; they must not pass a limit.
    (hm.copy_mode(), ["--max-end-bytes", "0"],
     "has no bytes at t-end: a copy-mode file counts only the bytes copied and the calls"),
    (hm.ad_hoc_mode(), ["--max-reads", "0"],
     "has no bytes read: an ad-hoc-mode file counts only its events"),
])
def test_check_limit_the_file_cannot_answer_says_why(tmp_path: Path, capsys, doc: dict[str, Any],
                                                     args: list[str], why: str) -> None:
    path = hm.write(doc, tmp_path / "p.json")
    status, _, err = run_cli(["check", str(path), *args], capsys)
    assert (status, err) == (2, f"heaphunt: {path}: {why}\n")


# --------------------------------------------------------------------------
# merge and export
# --------------------------------------------------------------------------

def test_merge_adds_numbers_and_loads_back(tmp_path: Path, capsys) -> None:
    a = hm.write(hm.handmade(), tmp_path / "a.json")
    b = hm.write(_changed(hm.handmade()), tmp_path / "b.json")
    out = tmp_path / "merged.json"
    status, text, _ = run_cli(["merge", str(a), str(b), "-o", str(out)], capsys)
    assert status == 0 and "2 profiles, 4 sites" in text
    m = heaphunt.load(out)
    by_name = {s.name: s for s in m.sites}
    assert by_name["make_event (leaky.c:42)"].tb == 12_000_000 + 13_000_000
    assert by_name["scratch (util.c:5)"].tb == 64_000           # only in A
    assert by_name["scratch (util.c:5)"].acc == [2] * 16 + [3, 3, 3, 1] + [0] * 44
    assert by_name["fill_table (table.c:20)"].mb == 8_000_000    # sum of maxima
    assert m.totals.tb == 18_064_000 + 18_064_000 + 936_000
    assert m.totals.gb == 20_000_000 and m.te == 1_000_000 and m.tg == 400_000
    assert m.totals.cb == 7_000_000
    assert m.timeline is None
    # copy sites keep pointing at the right (merged) sites
    fill = by_name["fill_table (table.c:20)"].index
    copy_rows = next(c for c in m.copy_sites if c.name == "copy_rows (table.c:30)")
    assert copy_rows.src == [(fill, 6_000_000)] and copy_rows.cb == 6_000_000
    # frame lists are unique (dh_view throws on a repeated location)
    assert len({tuple(s.frames) for s in m.sites}) == len(m.sites)
    assert m.extra_top_level["hhMerged"][0]["file"] == str(a)


def test_merge_of_one_profile_keeps_its_numbers(handmade_file: Path, tmp_path: Path,
                                                capsys) -> None:
    out = tmp_path / "m.json"
    assert run_cli(["merge", str(handmade_file), "-o", str(out)], capsys)[0] == 0
    a, m = heaphunt.load(handmade_file), heaphunt.load(out)
    assert a.totals == m.totals
    assert [(s.frames, s.tb, s.eb, s.acc) for s in a.sites] == [
        (s.frames, s.tb, s.eb, s.acc) for s in m.sites]


def test_merge_refuses_mixed_modes(handmade_file: Path, tmp_path: Path, capsys) -> None:
    c = hm.write(hm.copy_mode(), tmp_path / "c.json")
    status, _, err = run_cli(["merge", str(handmade_file), str(c), "-o",
                              str(tmp_path / "m.json")], capsys)
    assert status == 2 and "only files of one mode merge" in err


def test_merge_refuses_to_overwrite_an_input(handmade_file: Path, capsys) -> None:
    status, _, err = run_cli(["merge", str(handmade_file), "-o", str(handmade_file)], capsys)
    assert status == 2 and "is also an input" in err


def test_export_copy_mode(handmade_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "copies.json"
    status, _, _ = run_cli(["export", "--mode=copy", str(handmade_file), "-o", str(out)], capsys)
    assert status == 0
    doc = json.loads(out.read_text())
    assert (doc["mode"], doc["verb"], doc["bklt"], doc["bkacc"]) == ("copy", "Copied", False, False)
    assert [(pp["tb"], pp["tbk"], [doc["ftbl"][i] for i in pp["fs"]]) for pp in doc["pps"]] == [
        (3_000_000, 30, ["0x406000: copy_rows (table.c:30)", "0x40A000: main (leaky.c:83)"]),
        (500_000, 5, ["0x407000: load_rows (io.c:50)", "0x408000: main (leaky.c:81)"])]
    assert doc["ftbl"][0] == "[root]" and "tg" not in doc and "tuth" not in doc
    p = heaphunt.load(out)
    assert (p.totals.tb, p.totals.tbk) == (3_500_000, 35)


def test_export_without_copy_sites_exits_2(tmp_path: Path, capsys) -> None:
    path = hm.write(hm.as_plain_dhat(hm.handmade()), tmp_path / "d.json")
    status, _, err = run_cli(["export", "--mode=copy", str(path), "-o",
                              str(tmp_path / "x.json")], capsys)
    assert status == 2 and "has no copy sites (hhCopySites)" in err
    assert not (tmp_path / "x.json").exists()


# --------------------------------------------------------------------------
# view
# --------------------------------------------------------------------------

@pytest.fixture
def viewer_dir(tmp_path: Path) -> Path:
    d = tmp_path / "viewer"
    d.mkdir()
    (d / "index.html").write_text("<html>viewer</html>")
    return d


def test_view_server_serves_viewer_and_profile_only(viewer_dir: Path, handmade_file: Path) -> None:
    server = make_server(viewer_dir, handmade_file, 0)
    serve_in_thread(server)
    try:
        port = server.server_address[1]
        url = viewer_url(port, "prof 1&2.json")
        assert url == f"http://127.0.0.1:{port}/index.html?file=/profile.json&name=prof+1%262.json"
        assert urllib.request.urlopen(url, timeout=10).read() == b"<html>viewer</html>"
        profile = urllib.request.urlopen(f"http://127.0.0.1:{port}/profile.json", timeout=10)
        assert profile.read() == handmade_file.read_bytes()
        assert profile.headers["Content-Type"] == "application/json"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/handmade.json", timeout=10)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/../handmade.json", timeout=10)
    finally:
        server.shutdown()
        server.server_close()


def viewer_doc_links() -> set[str]:
    """Every docs/ page the viewer's scripts link to, as written (../docs/NAME)."""
    links = set()
    for script in (REPO_DIR / "viewer" / "js").glob("*.js"):
        links |= set(re.findall(r'"(\.\./docs/[^"#]+)', script.read_text()))
    return links


def test_view_server_serves_the_docs_the_viewer_links_to(handmade_file: Path) -> None:
    links = viewer_doc_links()
    assert {"../docs/json-format.md", "../docs/findings.md"} <= links
    server = make_server(REPO_DIR / "viewer", handmade_file, 0)
    serve_in_thread(server)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        for link in sorted(links):
            reply = urllib.request.urlopen(urllib.parse.urljoin(base, link), timeout=10)
            assert reply.read() == (REPO_DIR / "viewer" / link).resolve().read_bytes(), link
            assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
        for outside in ("/docs/../README.md", "/docs/%2e%2e/README.md", "/docs/x.sh",
                        "/docs/nothing.md", "/README.md"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}{outside}",
                                       timeout=10)
            assert e.value.code == 404, outside
    finally:
        server.shutdown()
        server.server_close()


def test_view_server_serves_installed_docs_gzipped_by_debian(tmp_path: Path,
                                                             handmade_file: Path) -> None:
    """The Debian package's docs are in share/doc/heaphunt/docs, the large
    ones gzipped by dh_compress: the viewer's link gets the page itself."""
    viewer = tmp_path / "share" / "heaphunt" / "viewer"
    docs = tmp_path / "share" / "doc" / "heaphunt" / "docs"
    viewer.mkdir(parents=True)
    docs.mkdir(parents=True)
    (viewer / "index.html").write_text("<html>viewer</html>")
    page = (REPO_DIR / "docs" / "findings.md").read_bytes()
    (docs / "findings.md.gz").write_bytes(gzip.compress(page))
    server = make_server(viewer, handmade_file, 0)
    serve_in_thread(server)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/docs/findings.md#pile-up"
        assert urllib.request.urlopen(url, timeout=10).read() == page
    finally:
        server.shutdown()
        server.server_close()


def test_view_command_prints_url_and_stops_on_ctrl_c(viewer_dir: Path,
                                                     handmade_file: Path) -> None:
    proc = subprocess.Popen([str(LAUNCHER), "view", str(handmade_file), "--viewer-dir",
                             str(viewer_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = proc.stdout.readline()
        url = first.split(" at ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith(f"/index.html?file=/profile.json&name={handmade_file.name}")
        assert urllib.request.urlopen(url, timeout=10).read() == b"<html>viewer</html>"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_view_without_viewer_dir_exits_2(handmade_file: Path, tmp_path: Path, capsys) -> None:
    status, _, err = run_cli(["view", str(handmade_file), "--viewer-dir", str(tmp_path)], capsys)
    assert status == 2 and "no viewer found" in err


# --------------------------------------------------------------------------
# run, with a stand-in valgrind that writes the hand-made profile
# --------------------------------------------------------------------------

@pytest.fixture
def fake_valgrind(tmp_path: Path) -> Path:
    """Writes handmade.json to --heaphunt-out-file (%p -> its pid), runs the
    program, exits with the program's status, like valgrind does."""
    script = tmp_path / "fake-valgrind"
    profile = json.dumps(hm.handmade())
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, os, subprocess, sys
        args = sys.argv[1:]
        assert args[0] == "--tool=heaphunt", args
        out = next(a.split("=", 1)[1] for a in args if a.startswith("--heaphunt-out-file="))
        prog = [a for a in args[1:] if not a.startswith("--")]
        sys.stderr.write(f"=={{os.getpid()}}== fake valgrind\\n")
        doc = json.loads({profile!r})
        doc["pid"] = os.getpid()
        doc["cmd"] = " ".join(prog)
        if os.environ.get("FAKE_NO_PROFILE") != "1":
            with open(out.replace("%p", str(os.getpid())), "w") as f:
                json.dump(doc, f)
        sys.exit(subprocess.call(prog))
        """))
    script.chmod(0o755)
    return script


def test_run_returns_profile_and_status(fake_valgrind: Path, tmp_path: Path) -> None:
    result = heaphunt.run(["/bin/sh", "-c", "exit 3"], valgrind=fake_valgrind,
                          options=["--num-callers=30"], env=heaphunt.fixed_env())
    assert result.returncode == 3
    assert result.profile.totals.tb == 18_064_000
    assert result.profile.cmd == "/bin/sh -c exit 3"
    assert "--num-callers=30" in result.command


def test_run_without_profile_is_a_run_error(fake_valgrind: Path) -> None:
    env = heaphunt.fixed_env({"FAKE_NO_PROFILE": "1"})
    with pytest.raises(heaphunt.RunError, match="wrote no profile"):
        heaphunt.run(["/bin/true"], valgrind=fake_valgrind, env=env)


def test_run_command_prints_report_and_keeps_profile(fake_valgrind: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    proc = subprocess.run([str(LAUNCHER), "run", "--valgrind", str(fake_valgrind), "--top", "1",
                           "-o", str(kept), "--num-callers=12", "--", "/bin/echo", "hello"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("hello\n")
    assert "Total:     18,064,000 bytes in 2,101 blocks" in proc.stdout
    assert "Findings:" in proc.stdout
    assert heaphunt.load(kept).totals.tb == 18_064_000


def test_run_command_does_not_take_an_old_file_for_the_profile(fake_valgrind: Path,
                                                               tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps(hm.handmade()))
    os.utime(old, (0, 0))
    env = heaphunt.fixed_env({"FAKE_NO_PROFILE": "1"})
    proc = subprocess.run([str(LAUNCHER), "run", "--valgrind", str(fake_valgrind),
                           "-o", str(old), "--", "/bin/true"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        f"heaphunt: valgrind ({fake_valgrind}) wrote no profile as {old}"
        " for /bin/true (exit status 0)")


def test_run_command_takes_the_profile_name_as_o_only(capsys) -> None:
    status, _, err = run_cli(["run", "--dhat-out-file=x", "--", "/bin/true"], capsys)
    assert (status, err) == (2, "heaphunt: run: --dhat-out-file: give the profile's name"
                                " as -o OUT\n")


@pytest.mark.parametrize("template, name", [
    ("heaphunt.out.%p", "heaphunt.out.42"),
    ("dir/%q{CASE}.%p.json", "dir/big.42.json"),
    ("100%%-%p", "100%-42"),
    ("fixed", "fixed"),
    ("x.%q{UNSET}", None),     # Valgrind refuses an unset variable
    ("x.%n", None),            # not a sequence Valgrind's heaphunt knows
    ("x%", None),
])
def test_expand_out_file_as_valgrind_does(template: str, name: str | None) -> None:
    assert heaphunt.runner.expand_out_file(template, 42, {"CASE": "big"}) == name


def test_run_command_needs_a_program(capsys) -> None:
    status, _, err = run_cli(["run", "--top", "3"], capsys)
    assert status == 2 and "no program given" in err


def test_launcher_works_through_a_symlink(tmp_path: Path, handmade_file: Path) -> None:
    link = tmp_path / "bin" / "heaphunt"
    link.parent.mkdir()
    os.symlink(LAUNCHER, link)
    proc = subprocess.run([str(link), "report", str(handmade_file), "--top", "1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Total:     18,064,000" in proc.stdout


def test_view_finds_the_repository_viewer_by_default() -> None:
    from heaphunt.view import find_viewer_dir
    assert find_viewer_dir() == REPO_DIR / "viewer"


def test_pytest_plugin_loads_with_dash_p(fake_valgrind: Path, tmp_path: Path) -> None:
    """`pytest -p heaphunt.pytest_plugin`: fixture, marker and --heaphunt-vg."""
    (tmp_path / "test_uses_plugin.py").write_text(textwrap.dedent("""\
        import pytest
        import heaphunt as hh

        @pytest.mark.heaphunt_options("--num-callers=7")
        def test_counts(heaphunt):
            profile = heaphunt(["/bin/true"])
            hh.assert_totals(profile, bytes=18_064_000, end_blocks=1_000)
            assert "--num-callers=7" in heaphunt.last.command
            assert heaphunt.last.command[0].endswith("fake-valgrind")
        """))
    env = dict(os.environ, PYTHONPATH=str(REPO_DIR / "python"))
    # -p no:heaphunt: a copy installed on this machine must not load its plugin too.
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:heaphunt",
                           "-p", "heaphunt.pytest_plugin",
                           "--strict-markers", f"--heaphunt-vg={fake_valgrind}",
                           "-p", "no:cacheprovider", str(tmp_path / "test_uses_plugin.py")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_check_copy_limit_lists_copy_sites(handmade_file: Path, capsys) -> None:
    status, out, _ = run_cli(["check", str(handmade_file), "--max-copied-bytes", "1000000"],
                             capsys)
    assert status == 1
    lines = out.splitlines()
    i = lines.index("bytes copied: expected <= 1,000,000, got 3,500,000 (2,500,000 over)")
    assert lines[i + 1].split() == ["3,000,000", "copy_rows", "(table.c:30)"]
    assert lines[i + 2].split() == ["500,000", "load_rows", "(io.c:50)"]


def test_assert_totals_copy_mismatch_lists_copy_sites(handmade_file: Path) -> None:
    with pytest.raises(AssertionError) as info:
        heaphunt.assert_totals(heaphunt.load(handmade_file), copied_bytes=0)
    message = str(info.value)
    assert "bytes copied (copied_bytes): expected 0, got 3,500,000" in message
    assert message.splitlines()[-2].split() == ["3,000,000", "cb", "copy_rows", "(table.c:30)"]


def test_report_ad_hoc_file_uses_its_units(tmp_path: Path, capsys) -> None:
    path = hm.write(hm.ad_hoc_mode(), tmp_path / "a.json")
    status, out, _ = run_cli(["report", str(path)], capsys)
    assert status == 0 and "Total:     10 units in 2 events (Occurred)" in out
    assert "    total 10 units in 2 events (avg size 5.0 units)\n" in out


def test_report_limits_findings(handmade_file: Path, capsys) -> None:
    _, out, _ = run_cli(["report", str(handmade_file), "--findings", "2"], capsys)
    findings = out.split("Findings:\n", 1)[1].splitlines()
    assert len(findings) == 3 and findings[0].startswith("  [leak-stale]")
    assert findings[2] == "  ... 6 more (--findings 0 shows all)"
    _, out, _ = run_cli(["report", str(handmade_file), "--findings", "0"], capsys)
    assert len(out.split("Findings:\n", 1)[1].splitlines()) == 8


@pytest.mark.parametrize("python_dir", ["lib/python3/dist-packages",      # the Debian package
                                        "lib/python3.11/site-packages",   # pip, make install
                                        "lib64/python3.11/site-packages"])
def test_installed_package_finds_the_viewer_under_its_prefix(tmp_path: Path,
                                                             python_dir: str) -> None:
    """A package installed in <prefix>/lib/... finds <prefix>/share/heaphunt/viewer,
    where make install, the Debian package and pip put it."""
    import shutil
    prefix = tmp_path / "prefix"
    shutil.copytree(REPO_DIR / "python" / "heaphunt", prefix / python_dir / "heaphunt",
                    ignore=shutil.ignore_patterns("__pycache__"))
    viewer = prefix / "share" / "heaphunt" / "viewer"
    viewer.mkdir(parents=True)
    (viewer / "index.html").write_text("<html>installed viewer</html>")
    code = "import heaphunt.view as v; print(v.find_viewer_dir())"
    env = {k: v for k, v in os.environ.items() if k != "HEAPHUNT_VIEWER_DIR"}
    env["PYTHONPATH"] = str(prefix / python_dir)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.stdout.strip() == str(viewer), proc.stderr
