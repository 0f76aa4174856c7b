"""heaphunt's viewer (viewer/index.html) in headless Chromium.

Profiles come from real runs: test programs and examples/leaky.c under
heaphunt, the same under Valgrind's DHAT (heap mode, copy mode, and ad-hoc
mode with a program using dhat.h's DHAT_AD_HOC_EVENT), plus a hand-made
profile whose timeline values are chosen so that a time range's numbers can
be worked out by hand, and malformed files.  tests/browser/viewer_check.mjs
opens them in the viewer, acts (sort, filter, diff, drag over the timeline,
click the flame graph) and reports what the page shows; the expected values
here come from the JSON files themselves, formatted as the viewer formats
them (exact, "," thousands separators).

All scenarios run in one browser session (a module fixture), then each test
checks its part.  Screenshots go to build/test-artifacts/viewer/.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import heaphunt_testlib as lib
from heaphunt import findings as hh_findings, load as hh_load
from heaphunt.rules import default_rules, with_frames

sys.path.insert(0, str(lib.TESTS_DIR / "python"))
import hh_handmade as hm  # noqa: E402

VIEWER_DIR = lib.REPO_DIR / "viewer"
BROWSER_DIR = lib.TESTS_DIR / "browser"
ARTIFACTS = lib.ARTIFACTS_DIR / "viewer"
WORK_DIR = lib.REPO_DIR / "build" / "tests" / "viewer"

# A program whose leak grows with its argument: "grow N" leaks N blocks of
# 100 bytes allocated in grow(), and allocates and frees 50 bytes in fixed().
# Run with 10 and with 30, the diff is exactly +2,000 bytes, +20 blocks at
# grow's site and 0 at fixed's.
GROW_C = r"""
#include <stdlib.h>
static void *keep[1000];
__attribute__((noinline)) static void grow(int n) { for (int i = 0; i < n; i++) keep[i] = malloc(100); }
__attribute__((noinline)) static void fixed(void) { volatile char *p = malloc(50); p[0] = 1; free((void *)p); }
int main(int argc, char **argv) { fixed(); grow(argc > 1 ? atoi(argv[1]) : 10); return keep[0] == 0; }
"""

# Ad-hoc events for DHAT's ad-hoc mode, and one heap-to-heap memcpy of
# 4,096 bytes for copy mode and for heaphunt's copy sites.  The viewer test
# of copies checks that the page shows the file's numbers; what the numbers
# should be is the tool's tests' business.
ADHOC_C = r"""
#include <valgrind/dhat.h>
#include <stdlib.h>
#include <string.h>
__attribute__((noinline)) static void ev_small(void) { DHAT_AD_HOC_EVENT(10); }
__attribute__((noinline)) static void ev_big(int n) { DHAT_AD_HOC_EVENT(n); }
__attribute__((noinline)) static char *make_src(void) { return malloc(4096); }
__attribute__((noinline)) static char *make_dst(void) { return malloc(4096); }
int main(void)
{
    for (int i = 0; i < 3; i++) ev_small();
    ev_big(100);
    char *a = make_src(), *b = make_dst();
    memset(a, 1, 4096);
    memcpy(b, a, 4096);
    int r = b[100] != 1;
    free(a); free(b);
    return r;
}
"""


def fmt(n: float) -> str:
    return f"{round(n):,}"


def signed(n: float) -> str:
    return f"+{fmt(n)}" if n > 0 else fmt(n)


def compile_c(name: str, source: str) -> Path:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    src = WORK_DIR / f"{name}.c"
    if not src.exists() or src.read_text() != source:
        src.write_text(source)
    exe = WORK_DIR / name
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        proc = subprocess.run(["gcc", "-O0", "-g", "-fno-omit-frame-pointer", "-fno-builtin",
                               "-o", str(exe), str(src)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return exe


def run(tool: str, argv: list, name: str, options: list | None = None) -> Path:
    out = WORK_DIR / "runs" / f"{name}-{tool}"
    result = lib.run_tool(tool, [str(a) for a in argv], out, extra_options=options)
    assert result.profile is not None, result.describe()
    return result.profile_path


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def decode_acc(acc: list) -> list:
    return lib.decode_acc(acc)


def acc_runs_text(counts: list) -> str:
    runs, i = [], 0
    while i < len(counts):
        j = i
        while j + 1 < len(counts) and counts[j + 1] == counts[i]:
            j += 1
        c = "∞" if counts[i] >= 65535 else fmt(counts[i])
        runs.append(f"{i}: {c}" if i == j else f"{i}–{j}: {c}")
        i = j + 1
    return ", ".join(runs[:64])


def github_anchor(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------

def hand_made_timeline_profile() -> dict:
    """Two sites and a timeline chosen for hand-checkable ranges.

    Live heap (step function): t 0:0, 100:100, 300:300, 600:700 (the peak,
    tg), 800:400, 1000:250 (te).  Range [450, 850]: from 300 to 400 bytes,
    +100.  Site "steady" is active over [100, 1000] with 300 bytes: 400 of
    its 900 instrs are in the range, estimate 300*400/900 = 133.  Site
    "burst" is active over [500, 800] with 400 bytes, all inside: 400, and
    its first allocation is in the range.
    """
    def pp(tb, tbk, gb, eb, first, last, fs):
        return {"tb": tb, "tbk": tbk, "tl": 1000, "mb": tb, "mbk": tbk, "gb": gb, "gbk": 1,
                "eb": eb, "ebk": 1 if eb else 0, "rb": tb, "wb": tb,
                "hhCopyInB": 0, "hhCopyInK": 0, "hhCopyOutB": 0, "hhCopyOutK": 0,
                "hhNoAccK": 0, "hhWriteOnlyK": 0, "hhReadOnlyAfterInitK": 0, "hhShortK": 0,
                "hhIdleI": 10, "hhEndIdleDeciles": [0] * 9 + [eb],
                "hhFirstT": first, "hhLastT": last, "fs": fs}
    return {
        "dhatFileVersion": 2, "mode": "heap", "verb": "Allocated", "bklt": True, "bkacc": True,
        "tu": "instrs", "Mtu": "Minstr", "tuth": 500, "cmd": "hand-made", "pid": 1,
        "te": 1000, "tg": 600, "hhVersion": "0.1.0", "hhHistLimit": 1024,
        "hhTotals": {"tb": 700, "tbk": 4, "gb": 700, "gbk": 2, "eb": 250, "ebk": 1,
                     "rb": 700, "wb": 700, "cb": 0, "cbk": 0},
        "hhCopies": True,
        "hhTimeline": {"t": [0, 100, 300, 600, 800, 1000], "b": [0, 100, 300, 700, 400, 250],
                       "bk": [0, 1, 3, 7, 4, 2]},
        "hhCheckpoints": [{"name": "start", "t": 100, "b": 100, "bk": 1},
                          {"name": "mid", "t": 500, "b": 300, "bk": 3}],
        "hhCopySites": [{"cb": 120, "cbk": 2, "fs": [4, 2],
                         "src": [[0, 100], [-1, 20]], "dst": [[1, 120]]}],
        "pps": [pp(300, 3, 300, 250, 100, 1000, [1, 2]), pp(400, 1, 400, 0, 500, 800, [3, 2])],
        "ftbl": ["[root]", "0x1000: steady (hand.c:10)", "0x2000: main (hand.c:50)",
                 "0x3000: burst (hand.c:20)", "0x4000: copy_here (hand.c:30)"],
    }


def malformed_files(good: dict) -> list[tuple[str, str, str]]:
    """(file name, content, text the message must contain)."""
    good_text = json.dumps(good)
    cases = [
        ("not-json.txt", "hello, this is not a profile\n", "not valid JSON"),
        ("empty.json", "", "empty"),
        ("truncated.json", good_text[: len(good_text) // 2], "truncated"),
        ("array.json", "[1, 2, 3]", "not a DHAT profile"),
        ("unrelated.json", '{"name": "left-pad", "version": "1.3.0"}', 'no "dhatFileVersion"'),
        ("deep.json", "[" * 100000 + "]" * 100000, "not a DHAT profile"),
    ]

    def mutated(name, change, expect):
        data = copy.deepcopy(good)
        change(data)
        cases.append((name, json.dumps(data), expect))

    mutated("version1.json", lambda d: d.update(dhatFileVersion=1), "dhatFileVersion is 1")
    mutated("no-mode.json", lambda d: d.pop("mode"), 'has no "mode" field')
    mutated("bad-mode.json", lambda d: d.update(mode="stack"), 'mode is "stack"')
    mutated("tb-string.json", lambda d: d["pps"][1].update(tb="abc"), 'pps[1].tb is "abc"')
    mutated("fs-range.json", lambda d: d["pps"][0].update(fs=[999]), "pps[0].fs[0] is 999")
    mutated("ftbl-number.json", lambda d: d["ftbl"].append(7), "is 7, expected a string")
    mutated("acc-huge.json", lambda d: d["pps"][0].update(acc=[-2_000_000_000, 1]), "decodes to more than")
    mutated("acc-big-count.json", lambda d: d["pps"][0].update(acc=[70000]), "largest count 65535")
    mutated("timeline-order.json",
            lambda d: d.update(hhTimeline={"t": [0, 5, 5], "b": [0, 1, 2], "bk": [0, 1, 1]}),
            "not strictly increasing")
    mutated("totals-type.json", lambda d: d.update(hhTotals=[1, 2]), "hhTotals is an array")
    return cases


@pytest.fixture(scope="module")
def profiles(heaphunt_runner) -> dict[str, Path]:
    leaky = WORK_DIR / "leaky"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["gcc", "-g", "-O0", "-o", str(leaky), str(lib.REPO_DIR / "examples" / "leaky.c")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    grow = compile_c("grow", GROW_C)
    adhoc = compile_c("adhoc", ADHOC_C)
    p = {
        "leaky": run("heaphunt", [leaky], "leaky"),
        "leaky_dhat": run("dhat", [leaky], "leaky"),
        "acc": run("heaphunt", [lib.build_program("acc_histogram")], "acc"),
        "peak": run("heaphunt", [lib.build_program("peak_middle")], "peak"),
        "grow10": run("heaphunt", [grow, 10], "grow10"),
        "grow30": run("heaphunt", [grow, 30], "grow30"),
        "copies": run("heaphunt", [adhoc], "copies"),
        "dhat_copy": run("dhat", [adhoc], "copymode", ["--mode=copy"]),
        "dhat_adhoc": run("dhat", [adhoc], "adhocmode", ["--mode=ad-hoc"]),
    }
    # Real programs of examples/hunt for the first screen: C++ leaks among
    # containers, and the tokio server that forgets its tasks.
    from test_hunt import ORDER_BOOK, build_tokio
    order_book = WORK_DIR / "order_book"
    proc = subprocess.run(["g++", "-std=c++17", "-O0", "-g", "-o", str(order_book), str(ORDER_BOOK)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    p["order_book"] = run("heaphunt", [order_book], "order_book")
    p["tokio"] = run("heaphunt", [build_tokio()], "tokio")
    hand = WORK_DIR / "hand-timeline.json"
    hand.write_text(json.dumps(hand_made_timeline_profile()))
    p["hand"] = hand
    for name, doc in (("piles", hm.piles()), ("many_leaks", hm.many_leaks())):
        p[name] = hm.write(doc, WORK_DIR / f"{name}.json")
    bad_dir = WORK_DIR / "malformed"
    bad_dir.mkdir(exist_ok=True)
    for name, content, _ in malformed_files(load(p["leaky"])):
        (bad_dir / name).write_text(content)
    return p


# --------------------------------------------------------------------------
# The browser session: every scenario, once
# --------------------------------------------------------------------------

def O(name: str) -> dict:
    return {"do": "observe", "as": name}


def shot(file: str, **kw) -> dict:
    return {"do": "screenshot", "file": file, **kw}


def scenarios(p: dict[str, Path]) -> list[dict]:
    goto = {"do": "goto"}
    sc = []

    def add(name, *steps):
        sc.append({"name": name, "steps": [goto, *steps]})

    leaky = load(p["leaky"])
    add("leaky", {"do": "open", "path": str(p["leaky"])}, O("open"), shot("tree-leaky.png"),
        *[s for i in range(len(leaky["pps"])) for s in ({"do": "revealSite", "site": i}, O(f"site{i}"))],
        {"do": "tab", "name": "findings"}, O("findings"), shot("findings-leaky.png"),
        {"do": "tab", "name": "tree"}, {"do": "sort", "metric": "eb"}, O("sort_eb"),
        {"do": "sortHeader", "metric": "rb"}, O("sort_rb"),
        {"do": "filter", "text": "build_index"}, O("filter_fn"),
        {"do": "filter", "text": "leaky.c:95"}, O("filter_file"),
        {"do": "filter", "text": "no-such-function"}, O("filter_none"),
        {"do": "filter", "text": ""}, {"do": "direction", "value": "bottom-up"}, O("bottom_up"),
        {"do": "clickRow", "fn": "log_event"}, O("bottom_up_click"), shot("tree-bottom-up-leaky.png"),
        {"do": "toggleRow", "fn": "log_event"}, O("bottom_up_toggled"))
    add("flame", {"do": "open", "path": str(p["leaky"])}, {"do": "tab", "name": "flame"}, O("flame"),
        {"do": "hoverFlame", "as": "tip"}, {"do": "flameClick", "fn": "build_index"}, O("zoomed"),
        shot("flame-leaky.png"))
    add("real_timeline", {"do": "open", "path": str(p["leaky"])}, {"do": "tab", "name": "timeline"},
        {"do": "timelineRange", "t0": 0, "t1": leaky["te"]}, O("full"),
        {"do": "timelineDrag", "from": 0.55, "to": 0.95}, O("dragged"), shot("timeline-leaky.png"))
    add("hand_timeline", {"do": "open", "path": str(p["hand"])}, {"do": "tab", "name": "timeline"}, O("drawn"),
        {"do": "timelineRange", "t0": 450, "t1": 850}, O("range"), shot("timeline-hand.png"),
        {"do": "timelineDrag", "from": 0.1, "to": 0.5}, O("dragged"))
    acc = load(p["acc"])
    acc_site = next(i for i, pp in enumerate(acc["pps"]) if "acc" in pp)
    add("acc", {"do": "open", "path": str(p["acc"])}, {"do": "revealSite", "site": acc_site}, O("site"),
        shot("detail-acc.png"))
    copies = load(p["copies"])
    src_site = max(range(len(copies["pps"])), key=lambda i: copies["pps"][i].get("hhCopyOutB", 0))
    add("copies", {"do": "open", "path": str(p["copies"])}, {"do": "revealSite", "site": src_site}, O("src"))
    add("hand_copies", {"do": "open", "path": str(p["hand"])}, {"do": "revealSite", "site": 0}, O("src"),
        {"do": "revealSite", "site": 1}, O("dst"), shot("detail-copies.png"))
    add("dhat_heap", {"do": "open", "path": str(p["leaky_dhat"])}, O("open"))
    add("dhat_copy", {"do": "open", "path": str(p["dhat_copy"])}, O("open"), {"do": "tab", "name": "flame"}, O("flame"))
    add("dhat_adhoc", {"do": "open", "path": str(p["dhat_adhoc"])}, O("open"))
    add("peak", {"do": "open", "path": str(p["peak"])}, O("open"))
    add("piles", {"do": "open", "path": str(p["piles"])}, O("open"), shot("tree-history.png"),
        {"do": "direction", "value": "bottom-up"}, O("bottom_up"), {"do": "direction", "value": "top-down"},
        {"do": "revealPlace", "site": 0}, O("site0"), shot("detail-history.png"),
        shot("doc-detail-history.png", clip={"x": 940, "y": 198, "width": 340, "height": 470}),
        {"do": "revealPlace", "site": 3}, O("site3"),
        {"do": "tab", "name": "findings"}, O("findings"),
        {"do": "tab", "name": "timeline"}, {"do": "timelineRange", "t0": 300_000, "t1": 800_000}, O("range"),
        shot("timeline-exact.png"),
        shot("doc-timeline-exact.png", clip={"x": 0, "y": 198, "width": 940, "height": 545}),
        {"do": "timelineRange", "t0": 305_000, "t1": 809_999}, O("range_snapped"),
        {"do": "frames", "skip": "^Cache::"}, {"do": "tab", "name": "findings"}, O("skipped"),
        {"do": "frames", "skip": "(unclosed"}, O("bad_regex"))
    add("many_leaks", {"do": "open", "path": str(p["many_leaks"])}, {"do": "tab", "name": "findings"}, O("capped"),
        shot("findings-capped.png"),
        shot("doc-findings-capped.png", clip={"x": 0, "y": 198, "width": 940, "height": 360}),
        {"do": "clickMore", "kind": "leak"}, O("leaks"))
    add("diff", {"do": "open", "path": str(p["grow10"])}, {"do": "compare", "path": str(p["grow30"])}, O("diff"),
        {"do": "clickRow", "fn": "grow"}, O("grow_row"), shot("diff-grow.png"),
        {"do": "tab", "name": "flame"}, O("flame"), {"do": "tab", "name": "timeline"}, O("timeline"),
        {"do": "tab", "name": "tree"}, {"do": "filter", "text": "fixed"}, O("filtered"))
    add("diff_same_run_two_tools", {"do": "open", "path": str(p["leaky_dhat"])},
        {"do": "compare", "path": str(p["leaky"])}, O("diff"))
    add("drop_two", {"do": "drop", "paths": [str(p["grow10"]), str(p["grow30"])]}, O("diff"))
    add("drop_one", {"do": "drop", "paths": [str(p["leaky"])]}, O("open"))
    sc.append({"name": "http_query", "steps": [
        {"do": "goto", "http": True, "serve": str(p["leaky"]),
         "query": "?file=/profile.json&name=heaphunt.out.42%20leaky"}, O("open")]})
    sc.append({"name": "http_query_missing", "steps": [
        {"do": "goto", "http": True, "serve": str(p["leaky"]), "query": "?file=/nothing.json"}, O("open")]})
    sc.append({"name": "file_query", "steps": [
        {"do": "goto", "query": "?file=" + str(p["leaky"])}, O("open")]})
    for name in ("order_book", "tokio"):
        add(f"first_screen:{name}", {"do": "open", "path": str(p[name])}, O("open"),
            shot(f"first-screen-{name}.png"), {"do": "tab", "name": "tree"}, O("tree"))
    add("layout", {"do": "open", "path": str(p["leaky"])}, {"do": "tab", "name": "tree"}, O("open"),
        shot("page-1280x800.png"), shot("page-full.png", fullPage=True))
    bad_dir = WORK_DIR / "malformed"
    for name, _, _ in malformed_files(leaky):
        add(f"bad:{name}", {"do": "open", "path": str(bad_dir / name)}, O("open"))
    add("bad_after_good", {"do": "open", "path": str(p["leaky"])},
        {"do": "open", "path": str(bad_dir / "tb-string.json")}, O("open"), shot("error-message.png"))
    return sc


@pytest.fixture(scope="module")
def page(profiles) -> dict:
    assert (BROWSER_DIR / "node_modules" / "playwright-core").exists(), (
        "playwright-core not installed: run scripts/install-deps.sh")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plan = {"viewer": str(VIEWER_DIR), "artifacts": str(ARTIFACTS), "scenarios": scenarios(profiles)}
    plan_path = WORK_DIR / "plan.json"
    results_path = WORK_DIR / "results.json"
    plan_path.write_text(json.dumps(plan, indent=1))
    if results_path.exists():
        results_path.unlink()
    proc = subprocess.run(["node", str(BROWSER_DIR / "viewer_check.mjs"), str(plan_path), str(results_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"viewer_check.mjs failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(results_path.read_text())


def scenario(page: dict, name: str) -> dict:
    r = page[name]
    assert r["error"] is None, f"scenario {name} failed: {r['error']}"
    assert not r["pageErrors"], f"exceptions in the page during {name}: {r['pageErrors']}"
    return r["observations"]


def expected_totals(profile: dict) -> dict[str, str]:
    t = profile.get("hhTotals") or {k: sum(pp[k] for pp in profile["pps"]) for k in lib.SUMMARY_FIELDS}
    return {k: fmt(v) for k, v in t.items()}


def row(obs: dict, fn: str, nth: int = 0) -> dict:
    rows = [r for r in obs["rows"] if r["fn"] == fn]
    assert len(rows) > nth, f"no row {fn!r} (#{nth}) among {[r['fn'] for r in obs['rows']]}"
    return rows[nth]


def top_level(obs: dict) -> list[dict]:
    root_depth = obs["rows"][0]["depth"]
    child_depth = min(r["depth"] for r in obs["rows"][1:])
    assert child_depth > root_depth
    return [r for r in obs["rows"] if r["depth"] == child_depth]


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

def test_summary_shows_heaphunt_totals_exactly(page, profiles) -> None:
    obs = scenario(page, "leaky")["open"]
    data = load(profiles["leaky"])
    want = expected_totals(data)
    assert obs["state"] == "ready", obs["message"]
    for key in ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"):
        assert obs["totals"][key] == want[key], f"{key}: expected {want[key]}, page shows {obs['totals'][key]}"
    if "cb" in data["hhTotals"]:
        assert obs["totals"]["cb"] == want["cb"] and obs["totals"]["cbk"] == want["cbk"]
    # The leak example's hand-derived summary (examples/leaky.c).
    assert "Total:     41,728 bytes in 111 blocks" in obs["summaryText"]
    assert "At t-end:  6,400 bytes in 100 blocks" in obs["summaryText"]


def test_tree_root_and_every_site_match_the_json(page, profiles) -> None:
    res = scenario(page, "leaky")
    data = load(profiles["leaky"])
    root = res["open"]["rows"][0]
    for key in ("tb", "tbk", "gb", "eb", "rb", "wb"):
        assert root["cols"].get(key, expected_totals(data)[key]) == expected_totals(data)[key], key
    for i, pp in enumerate(data["pps"]):
        shown = res[f"site{i}"]["detailMetrics"]
        for key in ("tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk", "rb", "wb",
                    "hhCopyInB", "hhCopyOutB", "hhNoAccK", "hhIdleI", "hhFirstT", "hhLastT"):
            if key in pp:
                assert shown[key] == [fmt(pp[key])], f"site {i} {key}: expected {fmt(pp[key])}, shown {shown[key]}"
        assert shown["avgLife"] == [fmt(pp["tl"] / pp["tbk"])]


def test_frames_are_split_into_function_and_location(page) -> None:
    obs = scenario(page, "leaky")["open"]
    build = row(obs, "build_index")
    assert build["loc"] == "leaky.c:137"
    assert row(obs, "main")["loc"].startswith("leaky.c:")


def test_sort_by_any_metric_orders_rows(page) -> None:
    res = scenario(page, "leaky")
    for name, metric in (("sort_eb", "eb"), ("sort_rb", "rb")):
        obs = res[name]
        assert obs["sortedHeader"] == metric and obs["sortSelect"] == metric
        values = [int(r["cols"][metric].replace(",", "")) for r in top_level(obs)]
        assert values == sorted(values, reverse=True), f"{metric}: {values}"
    # Sorted by t-end bytes, the leaking callers come first.
    assert top_level(res["sort_eb"])[0]["cols"]["eb"] == "3,200"


def test_filter_by_function_and_by_file_line(page) -> None:
    res = scenario(page, "leaky")
    assert res["filter_fn"]["rows"][0]["cols"]["tb"] == "32,768"
    assert res["filter_file"]["rows"][0]["cols"]["tb"] == "6,400"
    assert res["filter_none"]["rows"][0]["cols"]["tb"] == "0"
    assert "No site matches" in " ".join(r["fn"] for r in res["filter_none"]["rows"]) or \
        len(res["filter_none"]["rows"]) == 1
    # The summary is the file's, whatever the filter.
    assert res["filter_fn"]["totals"]["tb"] == "41,728"


def test_bottom_up_tree_starts_at_allocation_points(page) -> None:
    res = scenario(page, "leaky")
    obs = res["bottom_up"]
    fns = {r["fn"] for r in top_level(obs)}
    assert fns == {"log_event", "build_index", "process_lines"}, fns
    assert row(obs, "log_event")["cols"]["tb"] == "6,400"
    assert row(obs, "log_event")["cols"]["eb"] == "6,400"
    clicked = res["bottom_up_click"]
    assert clicked["detailTitle"] == "log_event"
    assert "sites below (2)" in clicked["detailText"].lower()
    # Its toggle opens or closes it: its callers appear or go.
    assert len(res["bottom_up_toggled"]["rows"]) != len(clicked["rows"])


def test_findings_put_the_leak_first(page, profiles) -> None:
    obs = scenario(page, "leaky")["findings"]
    assert obs["findingsList"], "no findings shown"
    first = obs["findingsList"][0]
    assert first["kind"] in ("leak", "leak-stale"), first
    assert first["sentence"].startswith("3.2 kB in 50 blocks allocated at log_event (leaky.c:95)")
    # The same list as `heaphunt report`'s, sentence for sentence.
    p = hh_load(profiles["leaky"])
    expected = [e.sentence for e in hh_findings.shown(hh_findings.find_all(p), p)
                if isinstance(e, hh_findings.Finding)]
    assert [r["sentence"] for r in obs["findingsList"] if "sentence" in r] == expected


def test_access_histogram_is_decoded_and_drawn(page, profiles) -> None:
    obs = scenario(page, "acc")["site"]
    pp = next(pp for pp in load(profiles["acc"])["pps"] if "acc" in pp)
    assert obs["accCanvas"]
    assert obs["accRuns"] == acc_runs_text(decode_acc(pp["acc"]))
    assert obs["accRuns"] == "0–3: 2, 4–7: 0, 8–15: 1"  # tests/programs/acc_histogram.c


def test_copy_sources_and_destinations_hand_made(page) -> None:
    res = scenario(page, "hand_copies")
    src, dst = res["src"]["detailText"], res["dst"]["detailText"]
    assert re.search(r"copied out of this site's blocks by\s+copy_here \(hand.c:30\)\n"
                     r"writing into: burst \(hand.c:20\) 120 B\s+100 B", src, re.I), src
    assert re.search(r"copied into this site's blocks by\s+copy_here \(hand.c:30\)\n"
                     r"reading from: steady \(hand.c:10\) 100 B; "
                     r"not a heap block \(stack, static data\) 20 B\s+120 B", dst, re.I), dst


def test_copies_of_a_real_profile_show_the_files_numbers(page, profiles) -> None:
    data = load(profiles["copies"])
    assert "hhCopySites" in data, "the copies profile has no hhCopySites"
    res = scenario(page, "copies")
    pp = max(range(len(data["pps"])), key=lambda i: data["pps"][i].get("hhCopyOutB", 0))
    assert data["pps"][pp].get("hhCopyOutB"), "no heap site was a copy source in the copies profile"
    text = res["src"]["detailText"]
    assert "copied out of this site's blocks by" in text.lower()
    for cs in data["hhCopySites"]:
        for src_pp, nbytes in cs["src"]:
            if src_pp == pp:
                assert f"{fmt(nbytes)} B" in text, (nbytes, text)


def test_flame_graph_zooms_and_explains(page) -> None:
    res = scenario(page, "flame")
    assert res["flame"]["flameBoxes"] >= 5
    assert res["tip"] and "Total bytes" in res["tip"]
    assert "build_index" in res["zoomed"]["flameCrumbs"]
    assert res["zoomed"]["detailTitle"] == "build_index"


def test_timeline_hand_made_range_numbers(page) -> None:
    res = scenario(page, "hand_timeline")
    assert res["drawn"]["timelineCheckpoints"] == "2"
    rng = res["range"]
    assert "450 – 850" in rng["rangeSummary"]
    assert "300 → 400 bytes (+100)" in rng["rangeSummary"]
    assert rng["rangeApprox"].startswith("Approximate.")
    assert rng["rangeSites"][:2] == ["burst (hand.c:20)", "steady (hand.c:10)"]
    assert res["dragged"]["rangeSummary"], "dragging over the chart selected no range"


def test_timeline_of_a_real_profile(page, profiles) -> None:
    data = load(profiles["leaky"])
    assert "hhTimeline" in data, "the leaky profile has no hhTimeline"
    res = scenario(page, "real_timeline")
    tl = data["hhTimeline"]
    end_b = tl["b"][-1]
    assert f"0 → {fmt(end_b)} bytes ({signed(end_b - tl['b'][0])})" in res["full"]["rangeSummary"]
    assert res["full"]["rangeSites"], "no site listed for the whole run"
    assert res["dragged"]["rangeSummary"]
    assert res["full"]["timelineCheckpoints"] == str(len(data.get("hhCheckpoints", [])))


def test_dhat_heap_file_shows_dhats_totals(page, profiles) -> None:
    obs = scenario(page, "dhat_heap")["open"]
    data = load(profiles["leaky_dhat"])
    want = expected_totals(data)
    for key in lib.SUMMARY_FIELDS:
        assert obs["totals"][key] == want[key], key
    assert "DHAT" in obs["summaryText"]
    # heaphunt and DHAT agree on the leak example.
    assert obs["totals"]["tb"] == "41,728" and obs["totals"]["eb"] == "6,400"


def test_dhat_copy_and_ad_hoc_modes(page, profiles) -> None:
    # A copy-mode file counts calls (DHAT names no unit for them).
    for name, unit_words in (("dhat_copy", ("bytes", "calls")), ("dhat_adhoc", ("units", "events"))):
        obs = scenario(page, name)["open"]
        data = load(profiles[name])
        assert obs["state"] == "ready", obs["message"]
        tb = fmt(sum(pp["tb"] for pp in data["pps"]))
        tbk = fmt(sum(pp["tbk"] for pp in data["pps"]))
        assert f"Total:     {tb} {unit_words[0]} in {tbk} {unit_words[1]}" in obs["summaryText"]
        assert obs["rows"][0]["cols"]["tb"] == tb
        assert "gb" not in obs["rows"][0]["cols"]
    assert "Total:     130 units in 4 events" in scenario(page, "dhat_adhoc")["open"]["summaryText"]
    assert scenario(page, "dhat_copy")["flame"]["flameBoxes"] > 0


def test_diff_shows_exact_per_site_deltas(page) -> None:
    res = scenario(page, "diff")
    obs = res["diff"]
    assert obs["totals"]["tb-delta"] == "(+2,000)" and obs["totals"]["tbk-delta"] == "(+20)"
    assert obs["rows"][0]["cols"]["tb"] == "+2,000"
    grow = res["grow_row"]
    assert row(grow, "grow")["cols"]["tb"] == "+2,000"
    assert grow["detailMetrics"]["tb"] == ["1,000", "3,000", "+2,000"]
    assert grow["detailMetrics"]["eb"] == ["1,000", "3,000", "+2,000"]
    assert res["filtered"]["rows"][0]["cols"]["tb"] == "0"
    assert res["flame"]["flameBoxes"] > 0
    growth = res["timeline"]["diffGrowth"]
    assert growth.startswith("Exact growth") and "+2,000" in growth


def test_diff_of_dhat_and_heaphunt_runs_matches_every_site(page, profiles) -> None:
    obs = scenario(page, "diff_same_run_two_tools")["diff"]
    assert obs["state"] == "ready", obs["message"]
    for key in ("tb", "tbk", "gb", "eb", "rb", "wb"):
        assert obs["totals"][f"{key}-delta"] == "(0)", key
    assert obs["rows"][0]["cols"]["tb"] == "0"


def test_drag_and_drop_opens_one_or_two_files(page) -> None:
    assert scenario(page, "drop_two")["diff"]["totals"]["tb-delta"] == "(+2,000)"
    assert scenario(page, "drop_one")["open"]["totals"]["tb"] == "41,728"


def test_query_parameter_file_over_http(page) -> None:
    obs = scenario(page, "http_query")["open"]
    assert obs["state"] == "ready", obs["message"]
    assert obs["totals"]["tb"] == "41,728"
    # The name `heaphunt view` passes, not the URL's "profile.json".
    assert obs["title"] == "heaphunt viewer - heaphunt.out.42 leaky"
    missing = scenario(page, "http_query_missing")["open"]
    assert missing["state"] == "error" and "404" in missing["message"]
    from_file = scenario(page, "file_query")["open"]
    assert from_file["state"] == "error" and "heaphunt view" in from_file["message"]


@pytest.mark.parametrize("name,expect", [(n, e) for n, _, e in malformed_files(hand_made_timeline_profile())])
def test_malformed_file_gives_one_clear_message(page, name: str, expect: str) -> None:
    obs = scenario(page, f"bad:{name}")["open"]
    assert obs["state"] == "error"
    assert obs["alerts"] == 1
    assert obs["message"].startswith(f"Cannot open {name}: "), obs["message"]
    assert expect in obs["message"], f"expected {expect!r} in {obs['message']!r}"


def test_bad_file_keeps_the_open_profile(page) -> None:
    obs = scenario(page, "bad_after_good")["open"]
    assert 'pps[1].tb is "abc"' in obs["message"]
    assert obs["totals"]["tb"] == "41,728"
    assert obs["rows"], "the tree of the profile opened before is gone"


def test_fits_a_1280x800_screen(page) -> None:
    obs = scenario(page, "layout")["open"]
    assert obs["viewport"] == {"w": 1280, "h": 800}
    assert obs["scrollWidth"] <= 1280, f"page is {obs['scrollWidth']} px wide"
    assert obs["summaryBottom"] < 220, "the summary pushes the tree below the fold"
    assert obs["treeBodyHeight"] >= 10 * 22, "fewer than 10 tree rows visible"
    assert {"tb", "tbk", "gb", "eb", "rb", "wb"} <= set(obs["rows"][0]["cols"])


def test_glossary_explains_metrics_and_links_to_the_format(page) -> None:
    obs = scenario(page, "layout")["open"]
    doc = (lib.REPO_DIR / "docs" / "json-format.md").read_text()
    anchors = {github_anchor(m.group(1)) for m in re.finditer(r"^#+ (.*)$", doc, re.M)}
    links = obs["glossaryLinks"]
    assert len(links) >= 30
    for href in links:
        path, _, anchor = href.partition("#")
        assert path in ("../docs/json-format.md", "../docs/findings.md"), href
        if path == "../docs/json-format.md":
            assert anchor in anchors, f"{href}: no heading with that anchor in docs/json-format.md"
    for word in ("t-gmax", "t-end", "instrs", "acc", "Average lifetime", "Idle fraction of lifetime", "leak-stale"):
        assert word in obs["glossaryText"], word


def test_peak_middle_program(page, profiles) -> None:
    obs = scenario(page, "peak")["open"]
    want = expected_totals(load(profiles["peak"]))
    assert obs["totals"]["gb"] == want["gb"] and obs["totals"]["gbk"] == want["gbk"]


# --------------------------------------------------------------------------
# Per-site history, reachability, responsible frames (hh_handmade.piles)
# --------------------------------------------------------------------------

def cli_sentences(path: Path, rules=None, kind: str | None = None) -> list[str]:
    """What `heaphunt report` lists, sentence for sentence."""
    p = hh_load(path)
    found = hh_findings.find_all(p, rules)
    return [e.sentence for e in hh_findings.shown(found, p, rules, kind=kind)
            if isinstance(e, hh_findings.Finding)]


def test_history_sparklines_in_the_tree(page) -> None:
    res = scenario(page, "piles")
    obs = res["open"]
    assert obs["sparkCells"] == len(obs["rows"]) > 1
    # Bottom-up, the tree starts at the responsible frames; the unsymbolised
    # libruby frames are object+offset, never "???".
    fns = [r["fn"] for r in top_level(res["bottom_up"])]
    # By total bytes: 96,000, then three places of 40,000 (ties by name).
    assert fns[:4] == ["Event#finish [ruby]", "Cache::fill", "Parser::parse", "myapp::fill"], fns
    assert "???" not in fns
    assert {"libruby-3.1.so.3.1.2+0x21b000", "libruby-3.1.so.3.1.2+0x21c000",
            "libruby-3.1.so.3.1.2+0x21d000"} <= set(fns), fns


def test_history_in_the_detail_panel(page) -> None:
    """Site 0 (hh_handmade.piles): at most 96,000 B in 96 blocks, first at
    instant 96 (970,000 instrs, 97% of the run), 0 at the end."""
    res = scenario(page, "piles")
    site0 = res["site0"]
    assert site0["historyChart"]
    assert site0["historySummary"] == (
        "Live at most 96,000 bytes in 96 blocks (at 970,000 instrs, 97% of the run); "
        "0 bytes in 0 blocks at the end. Exact at the 100 instants the tool wrote.")
    assert site0["detailTitle"] == "Event#finish [ruby]"
    # The whole stack, the library frames below the responsible one marked.
    assert [(li["text"], li["cls"]) for li in site0["fullStack"]] == [
        ("objspace_xmalloc0 (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)", "plumbing"),
        ("libruby-3.1.so.3.1.2+0xa2000", "plumbing"),
        ("Event#finish [ruby] (events.rb:40)", "responsible"),
        ("Object#run [ruby] (app.rb:12)", "")]
    assert "unchanged since 1% of the run" in res["site3"]["detailText"]


def test_findings_tab_is_the_cli_list(page, profiles) -> None:
    obs = scenario(page, "piles")["findings"]
    assert [r["sentence"] for r in obs["findingsList"]] == cli_sentences(profiles["piles"])
    assert obs["findingsList"][0]["kind"] == "pile-up"


def test_findings_capped_per_kind_then_in_full(page, profiles) -> None:
    res = scenario(page, "many_leaks")
    capped = res["capped"]["findingsList"]
    assert [r.get("kind", ("more", r.get("more"))) for r in capped][:10] == [
        "pile-up", "pile-up", "pile-up", "leak", "leak", "leak", "leak", "leak", ("more", "leak"),
        "write-only"]
    assert capped[8]["text"] == "+2 more like this"
    assert [r["sentence"] for r in capped if "sentence" in r] == cli_sentences(profiles["many_leaks"])
    leaks = res["leaks"]
    assert leaks["findingsHead"].startswith("All 7 findings of kind leak")
    assert [r["sentence"] for r in leaks["findingsList"] if "sentence" in r] == \
        cli_sentences(profiles["many_leaks"], kind="leak")


def test_exact_time_range_between_checkpoints(page) -> None:
    """hh_handmade.piles's header derives these numbers."""
    res = scenario(page, "piles")
    rng = res["range"]
    assert rng["rangeApprox"] is None, "the history is exact: no 'Approximate' note"
    assert rng["rangeExact"] == (
        "Exact, per place, at the instants the tool wrote: from 300,000 to 800,000 instrs: "
        "live 89,000 → 144,000 bytes, 89 → 159 blocks; 75,000 bytes grew, 20,000 bytes were freed.")
    assert rng["rangeRows"] == [
        ["Event#finish [ruby] (events.rb:40)", "29,000", "79,000", "+50,000"],
        ["Parser::parse (parse.c:70)", "20,000", "0", "-20,000"],
        ["spawn_forget::spawn_all (main.rs:9)", "0", "15,000", "+15,000"],
        ["Cache::fill (cache.c:30)", "30,000", "40,000", "+10,000"],
        ["load_config (config.c:12)", "4,000", "4,000", "0"],
        ["libruby-3.1.so.3.1.2+0x21b000", "3,000", "3,000", "0"],
        ["libruby-3.1.so.3.1.2+0x21c000", "2,000", "2,000", "0"],
        ["libruby-3.1.so.3.1.2+0x21d000", "1,000", "1,000", "0"]]
    assert 'checkpoint "warm"' in rng["rangeSummary"] and 'checkpoint "drain"' in rng["rangeSummary"]
    # Ends between instants move to the last instant written before them.
    assert res["range_snapped"]["rangeExact"] == rng["rangeExact"]


def test_frame_settings_rename_like_skip_frames(page, profiles) -> None:
    res = scenario(page, "piles")
    rules = with_frames(default_rules(), skip=["^Cache::"])
    sentences = [r["sentence"] for r in res["skipped"]["findingsList"]]
    assert sentences == cli_sentences(profiles["piles"], rules)
    assert any("allocated at main (main.c:50) grew over 32%" in s for s in sentences)
    bad = res["bad_regex"]
    assert bad["message"].startswith("Frames: "), bad["message"]
    assert "(unclosed" in bad["message"]


# --------------------------------------------------------------------------
# The first screen: the top findings, the Tree one click away
# --------------------------------------------------------------------------

def report_first_finding(path: Path) -> tuple[str, str]:
    """The first line under `Findings:` of `heaphunt report`, as (kind, sentence)."""
    proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), "report", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    first = lines[lines.index("Findings:") + 1].strip()
    m = re.fullmatch(r"\[([\w-]+)\] (.*)", first)
    assert m, first
    return m.group(1), m.group(2)


@pytest.mark.parametrize("name, source, marker, function", [
    ("order_book", "order_book.cpp", "LEAK_QUEUE", "queue_work()"),
    ("tokio", "tokio/src/main.rs", "SPAWN", "spawn_forget::spawn_requests"),
])
def test_first_screen_is_the_top_findings(page, profiles, name, source, marker, function) -> None:
    """Opened, a profile shows its findings as `heaphunt report` lists
    them, the first on screen with the line to change (the program's line
    marked in its source); the Tree is one click away."""
    from test_hunt import HUNT, marker_line
    res = scenario(page, f"first_screen:{name}")
    obs = res["open"]
    assert (obs["tab"], obs["visiblePanels"]) == ("findings", ["findings"])
    rows = [r for r in obs["findingsList"] if "sentence" in r]
    kind, sentence = report_first_finding(profiles[name])
    assert (rows[0]["kind"], rows[0]["sentence"]) == (kind, sentence)
    line = marker_line(HUNT / source, marker)
    assert rows[0]["where"].startswith(f"Line to change: {Path(source).name}:{line} in {function}"), rows[0]
    assert 0 < rows[0]["top"] < obs["viewport"]["h"], "the first finding is below the fold"
    assert [r["sentence"] for r in rows] == cli_sentences(profiles[name])
    # A place with no frame of the program names no line to change: the
    # C++ program's libstdc++ start-up block, allocated under call_init.
    library = [r for r in rows if " allocated at call_init (dl-init.c:" in r["sentence"]]
    assert library or name != "order_book", rows
    for r in library:
        assert r["where"].startswith("In library code, no frame of the program: call_init (dl-init.c:"), r
    tree = res["tree"]
    assert (tree["tab"], tree["visiblePanels"]) == ("tree", ["tree"])
    assert tree["rows"] and tree["treeBodyHeight"] >= 10 * 22
