"""`heaphunt export --format=pprof|collapsed|speedscope`, each file opened
by the tool it is for.

Profiles come from real runs of tests/programs/export_mix.c, whose header
comment derives every number (for N = 10, and for N = 30 in brackets),
under heaphunt and under Valgrind's DHAT (heap mode, and DHAT's own copy and
ad-hoc modes), and of examples/leaky.c.  Then:

- pprof: `go tool pprof` (Debian's golang-go): per sample type, the sums of
  `-raw`'s samples and `-top`'s total equal the derived totals, `-top`'s
  per-function values the derived per-site values; the inlined allocation
  is one location with two lines; `-diff_base` of the N = 10 and N = 30
  exports shows the per-site change that `heaphunt diff` shows.
- speedscope: the app of the npm package `speedscope`, in headless
  Chromium (tests/browser/exports_check.mjs), opens the speedscope files
  and the collapsed stacks; the total its profile switcher shows for every
  profile, the values of its sandwich table, and the exact totals in what
  its own Export button writes equal the derived numbers.
- heaphunt's viewer: each of its downloads is byte for byte the CLI's file.
- Bad input: one line on stderr, exit status 2, nothing written.

The mapping from the profile's numbers to pprof's sample types and
speedscope's profile names is the one docs/cli.md documents; it is written
out here again (EXPORTED) rather than taken from the package.
"""

from __future__ import annotations

import concurrent.futures
import decimal
import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

HEAPHUNT = lib.REPO_DIR / "bin" / "heaphunt"
BROWSER_DIR = lib.TESTS_DIR / "browser"
SPEEDSCOPE_APP = BROWSER_DIR / "node_modules" / "speedscope" / "dist" / "release"
WORK_DIR = lib.REPO_DIR / "build" / "tests" / "exports"
ARTIFACTS = lib.ARTIFACTS_DIR / "exports"
PROGRAM = "export_mix"

# docs/cli.md's table: JSON key -> (pprof sample type, unit, speedscope name).
EXPORTED = {
    "tb": ("alloc_space", "bytes", "total bytes"),
    "tbk": ("alloc_objects", "count", "total blocks"),
    "gb": ("inuse_space", "bytes", "bytes at t-gmax"),
    "gbk": ("inuse_objects", "count", "blocks at t-gmax"),
    "eb": ("end_space", "bytes", "bytes at t-end"),
    "ebk": ("end_objects", "count", "blocks at t-end"),
    "rb": ("read_bytes", "bytes", "bytes read"),
    "wb": ("written_bytes", "bytes", "bytes written"),
    "cb": ("copied_bytes", "bytes", "bytes copied"),
    "cbk": ("copy_calls", "count", "copy calls"),
}
HEAP_KEYS = ["tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"]

# From export_mix.c's header comment.
COPY_SITE = "copy_scratch"
COPY_SITE_NUMBERS = {"cb": 4096, "cbk": 1}
AD_HOC = {"ev_small": (30, 3), "ev_big": (100, 1)}      # units, events
# N = 30 minus N = 10: only new_record's site changes.
DIFF_DELTAS = {"tb": 2000, "tbk": 20, "gb": 1000, "gbk": 10, "eb": 0, "ebk": 0,
               "rb": 4000, "wb": 2000}


# --------------------------------------------------------------------------
# Runs and exports
# --------------------------------------------------------------------------

def source_line(marker: str) -> int:
    """The line of export_mix.c that carries `/* export_mix: MARKER */`."""
    lines = lib.program_source(PROGRAM).read_text().splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if f"/* export_mix: {marker} */" in line]
    assert len(hits) == 1, f"marker {marker!r} in {PROGRAM}.c: {hits}"
    return hits[0]


def site_functions() -> dict[str, str]:
    """Allocation site (first frame's function) -> its frame's name as the
    report shows it, "new_record (export_mix.c:49)"."""
    src = f"{PROGRAM}.c"
    return {"new_record": f"new_record ({src}:{source_line('records')})",
            "inline_alloc": f"inline_alloc ({src}:{source_line('inlined')})",
            "make_copy": f"make_copy ({src}:{source_line('copy block')})"}


def run_program(tool: str, name: str, args: list[str], options: list[str]) -> Path:
    exe = lib.build_program(PROGRAM)
    result = lib.run_tool(tool, [str(exe), *args], WORK_DIR / "runs" / name / lib.TOOL_DIR_NAMES[tool],
                          extra_options=options)
    assert result.returncode == 0 and result.profile is not None, result.describe()
    return result.profile_path


def export(profile: Path, fmt: str, out: Path, metric: str | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(HEAPHUNT), "export", f"--format={fmt}", str(profile), "-o", str(out)]
    if metric:
        cmd += ["--metric", metric]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def profiles(heaphunt_runner) -> dict[str, Path]:
    """Every profile the tests export, keyed by a short name."""
    expectations = lib.parse_expectations(PROGRAM)
    heap_options = expectations.options
    jobs = {
        "hh10": ("heaphunt", [], heap_options),
        "hh30": ("heaphunt", ["30"], heap_options),
        "dh10": ("dhat", [], heap_options),
        "dh30": ("dhat", ["30"], heap_options),
        "dhcopy": ("dhat", [], heap_options + ["--mode=copy"]),
        "dhadhoc": ("dhat", [], heap_options + ["--mode=ad-hoc"]),
    }
    lib.build_program(PROGRAM)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run_program, tool, name, args, options)
                   for name, (tool, args, options) in jobs.items()}
        out = {name: f.result() for name, f in futures.items()}
    leaky_dir = WORK_DIR / "runs" / "leaky"
    leaky_dir.mkdir(parents=True, exist_ok=True)
    leaky_exe = leaky_dir / "leaky"
    subprocess.run(["gcc", "-g", "-O0", "-o", str(leaky_exe), str(lib.REPO_DIR / "examples" / "leaky.c")],
                   check=True)
    leaky = lib.run_tool("heaphunt", [str(leaky_exe)], leaky_dir / "hh")
    assert leaky.profile is not None, leaky.describe()
    out["leaky"] = leaky.profile_path
    out["interpreted"] = interpreted_profile(out["hh10"])
    return out


# A native stack rewritten with interpreted frames (the shape issue 13's
# tool will write, docs/json-format.md): new_record's site becomes Ruby
# code called from Python code called from main.
INTERPRETED_FRAMES = ["0x0: Record#build [ruby] (app.rb:12)",
                      "0x0: Object#load_all [ruby] (app.rb:30)",
                      "0x0: load [python] (loader.py:7)"]


def interpreted_profile(native: Path) -> Path:
    doc = json.loads(native.read_text())
    ftbl = doc["ftbl"]
    site = next(pp for pp in doc["pps"] if "new_record" in ftbl[pp["fs"][0]])
    first = len(ftbl)
    ftbl += INTERPRETED_FRAMES
    # The tool gives every frame table entry its source directory, or null.
    doc["hhFrameDirs"]["f"] += [None] * len(INTERPRETED_FRAMES)
    site["fs"] = [first, first + 1, first + 2, site["fs"][-1]]
    out = WORK_DIR / "interpreted.json"
    out.write_text(json.dumps(doc))
    return out


def expected_totals(name: str, profile: Path) -> dict[str, int]:
    """Totals by JSON key: the hand derivation for export_mix's heap
    profiles, the file's own copy totals (they include the dynamic linker's
    copies, which no comment derives)."""
    doc = json.loads(profile.read_text())
    totals = dict(lib.parse_expectations(PROGRAM).summary)
    if name.startswith("hh"):
        totals["cb"] = doc["hhTotals"]["cb"]
        totals["cbk"] = doc["hhTotals"]["cbk"]
    return totals


def site_values(key: str) -> dict[str, int]:
    """Leaf function -> the derived value of `key` (export_mix's comment)."""
    sites = lib.parse_expectations(PROGRAM).sites
    out = {fn.split("/")[0]: numbers[key] for fn, numbers in sites.items()}
    return {fn: v for fn, v in out.items() if v}


# --------------------------------------------------------------------------
# go tool pprof
# --------------------------------------------------------------------------

def go() -> str:
    found = shutil.which("go")
    if not found:
        pytest.fail("go is not installed: run scripts/install-deps.sh (Debian's golang-go)")
    return found


def pprof(*args: str | Path) -> str:
    proc = subprocess.run([go(), "tool", "pprof", *map(str, args)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"go tool pprof {' '.join(map(str, args))}:\n{proc.stderr}"
    assert proc.stderr == "", f"pprof complained:\n{proc.stderr}"
    return proc.stdout


def raw_samples(text: str) -> tuple[list[str], list[list[int]]]:
    """`-raw`'s "Samples:" block: the type/unit names and each sample's values."""
    lines = text.splitlines()
    start = lines.index("Samples:")
    types = [t.replace("[dflt]", "") for t in lines[start + 1].split()]
    rows = []
    for line in lines[start + 2:]:
        if ":" not in line:
            break
        rows.append([int(v) for v in line.split(":")[0].split()])
    return types, rows


_TOTAL_RE = re.compile(r"^Showing nodes accounting for .*, [\d.]+% of (-?\d+)(B?) total$", re.M)
_TOP_ROW_RE = re.compile(r"^\s*(-?\d+)B?\s+-?[\d.]+%\s+-?[\d.]+%\s+-?\d+B?\s+-?[\d.]+%\s+(\S+)")


def top(profile: Path, sample_type: str, *extra: str) -> tuple[int, dict[str, int]]:
    """`-top` for one sample type: its total and each function's flat value
    (bytes shown in B, unscaled; every node kept)."""
    unit = ["-unit=B"] if EXPORTED_UNIT.get(sample_type) == "bytes" else []
    text = pprof("-top", *unit, "-nodefraction=0", "-nodecount=100000",
                 f"-sample_index={sample_type}", *extra, profile)
    m = _TOTAL_RE.search(text)
    assert m, f"no total line in:\n{text}"
    flat = {}
    for line in text.splitlines():
        row = _TOP_ROW_RE.match(line)
        if row and int(row.group(1)):
            flat[row.group(2)] = int(row.group(1))
    return int(m.group(1)), flat


EXPORTED_UNIT = {pprof_type: unit for pprof_type, unit, _ in EXPORTED.values()}


@pytest.fixture(scope="module")
def pprof_files(profiles) -> dict[str, Path]:
    out_dir = WORK_DIR / "pprof"
    out_dir.mkdir(parents=True, exist_ok=True)
    return {name: export(path, "pprof", out_dir / f"{name}.pb.gz") for name, path in profiles.items()}


@pytest.mark.parametrize("name", ["hh10", "dh10"])
def test_pprof_totals_per_sample_type_equal_the_derived_totals(profiles, pprof_files, name) -> None:
    totals = expected_totals(name, profiles[name])
    keys = HEAP_KEYS + (["cb", "cbk"] if name.startswith("hh") else [])
    types, rows = raw_samples(pprof("-raw", pprof_files[name]))
    assert types == [f"{EXPORTED[k][0]}/{EXPORTED[k][1]}" for k in keys]
    for i, key in enumerate(keys):
        raw_sum = sum(r[i] for r in rows)
        top_total, _ = top(pprof_files[name], EXPORTED[key][0])
        assert (raw_sum, top_total) == (totals[key], totals[key]), f"{key} ({EXPORTED[key][0]})"


@pytest.mark.parametrize("name", ["hh10", "dh10"])
def test_pprof_per_site_values_equal_the_derived_sites(pprof_files, name) -> None:
    for key in HEAP_KEYS:
        _, flat = top(pprof_files[name], EXPORTED[key][0])
        assert flat == site_values(key), f"{key} ({EXPORTED[key][0]}) per function"


def test_pprof_copy_sample_types_hold_the_copy_sites(profiles, pprof_files) -> None:
    doc = json.loads(profiles["hh10"].read_text())
    for key in ("cb", "cbk"):
        total, flat = top(pprof_files["hh10"], EXPORTED[key][0])
        assert total == doc["hhTotals"][key]
        assert flat[COPY_SITE] == COPY_SITE_NUMBERS[key]
        # The rest are the dynamic linker's copies, one sample per copy site.
        assert sum(flat.values()) == total
        assert all(fn != "new_record" for fn in flat)


def test_pprof_default_sample_type_is_in_use_at_the_peak(pprof_files) -> None:
    text = pprof("-top", pprof_files["hh10"])
    assert "Type: inuse_space" in text.splitlines()


def test_pprof_inlined_frames_are_lines_of_one_location(pprof_files) -> None:
    text = pprof("-raw", pprof_files["hh10"])
    locations = text[text.index("Locations"):text.index("Mappings")].splitlines()
    inner = f"inline_alloc {PROGRAM}.c:{source_line('inlined')}"
    outer = f"make_scratch {PROGRAM}.c:{source_line('inlined into')}"
    at = [i for i, line in enumerate(locations) if line.strip().endswith(inner + " s=0")]
    assert len(at) == 1, "\n".join(locations)
    assert re.match(r"^\s+\d+: 0x[0-9a-f]+ M=1 ", locations[at[0]])
    assert locations[at[0] + 1].strip() == outer + " s=0", "\n".join(locations)
    lines_view = pprof("-top", "-lines", "-unit=B", "-sample_index=alloc_space", pprof_files["hh10"])
    assert re.search(rf"\b4096B .*{re.escape(inner)} \(inline\)$", lines_view, re.M), lines_view


@pytest.mark.parametrize("tool", ["hh", "dh"])
@pytest.mark.parametrize("key", HEAP_KEYS)
def test_pprof_diff_base_shows_what_heaphunt_diff_shows(profiles, pprof_files, tool, key) -> None:
    a, b = profiles[f"{tool}10"], profiles[f"{tool}30"]
    proc = subprocess.run([str(HEAPHUNT), "diff", str(a), str(b), "--sort", key],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    heaphunt_rows = {}
    for line in proc.stdout.splitlines():
        row = re.match(r"^\s+([+-][\d,]+)\s+\([\d,]+ -> [\d,]+\)\s+(\S+) \(", line)
        if row:
            heaphunt_rows[row.group(2)] = int(row.group(1).replace(",", ""))
    _, pprof_rows = top(pprof_files[f"{tool}30"], EXPORTED[key][0],
                        f"-diff_base={pprof_files[f'{tool}10']}")
    expected = {"new_record": DIFF_DELTAS[key]} if DIFF_DELTAS[key] else {}
    assert (heaphunt_rows, pprof_rows) == (expected, expected)


def test_pprof_of_dhat_copy_and_ad_hoc_modes(profiles, pprof_files) -> None:
    copy_doc = json.loads(profiles["dhcopy"].read_text())
    types, _ = raw_samples(pprof("-raw", pprof_files["dhcopy"]))
    assert types == ["copied_bytes/bytes", "copy_calls/count"]
    for i, key in enumerate(("tb", "tbk")):
        total, flat = top(pprof_files["dhcopy"], types[i].split("/")[0])
        assert total == sum(pp[key] for pp in copy_doc["pps"])
        assert flat[COPY_SITE] == COPY_SITE_NUMBERS["cb" if key == "tb" else "cbk"]
    types, _ = raw_samples(pprof("-raw", pprof_files["dhadhoc"]))
    assert types == ["units/count", "events/count"]
    for i, sample_type in enumerate(("units", "events")):
        total, flat = top(pprof_files["dhadhoc"], sample_type)
        assert flat == {fn: v[i] for fn, v in AD_HOC.items()}
        assert total == sum(v[i] for v in AD_HOC.values())


def test_pprof_interpreted_frames_are_functions(pprof_files) -> None:
    text = pprof("-raw", pprof_files["interpreted"])
    locations = text[text.index("Locations"):text.index("Mappings")]
    for name, file, line in (("Record#build", "app.rb", 12), ("Object#load_all", "app.rb", 30),
                             ("load", "loader.py", 7)):
        assert re.search(rf"^\s+\d+: 0x0 M=1 {re.escape(name)} {file}:{line} s=0$", locations, re.M), locations
    _, flat = top(pprof_files["interpreted"], "alloc_space")
    assert flat["Record#build"] == site_values("tb")["new_record"]


# --------------------------------------------------------------------------
# Collapsed stacks (read here; speedscope opens them below)
# --------------------------------------------------------------------------

def folded(path: Path) -> dict[str, int]:
    out = {}
    for line in path.read_text().splitlines():
        stack, value = line.rsplit(" ", 1)
        assert stack not in out, f"stack listed twice: {stack}"
        out[stack] = int(value)
    return out


@pytest.mark.parametrize("name", ["hh10", "dh10"])
@pytest.mark.parametrize("key", [None, "gb", "eb", "rb"])
def test_collapsed_stacks_hold_one_metric_root_first(profiles, name, key) -> None:
    out = export(profiles[name], "collapsed", WORK_DIR / "collapsed" / f"{name}.{key}.folded", key)
    stacks = folded(out)
    key = key or "tb"       # the documented default: total bytes
    names = site_functions()
    leaves = {stack.split(";")[-1]: value for stack, value in stacks.items()}
    assert leaves == {names[fn]: v for fn, v in site_values(key).items()}
    assert sum(stacks.values()) == expected_totals(name, profiles[name])[key]
    assert all(stack.startswith("main (") for stack in stacks)


# --------------------------------------------------------------------------
# speedscope and the viewer, in headless Chromium
# --------------------------------------------------------------------------

SPEEDSCOPE_LOADS = {
    # name: (profile, format, --metric)
    "hh10": ("hh10", "speedscope", None),
    "dh10": ("dh10", "speedscope", None),
    "dhcopy": ("dhcopy", "speedscope", None),
    "dhadhoc": ("dhadhoc", "speedscope", None),
    "hh10-folded-tb": ("hh10", "collapsed", None),
    "hh10-folded-eb": ("hh10", "collapsed", "eb"),
    "dh10-folded-gbk": ("dh10", "collapsed", "gbk"),
}


def viewer_choices(profile: Path, which: int = 0) -> list[tuple[str, str, str | None]]:
    """(menu value, format, --metric) for every download the viewer should
    offer for this profile: pprof, speedscope, collapsed per metric; `which`
    is 1 for profile B of a diff."""
    doc = json.loads(profile.read_text())
    if doc["mode"] == "copy":
        keys = ["tb", "tbk"]
    elif doc["mode"] == "ad-hoc":
        keys = ["tb", "tbk"]
    else:
        keys = HEAP_KEYS + (["cb", "cbk"] if "hhCopySites" in doc else [])
    return ([(f"{which}:pprof", "pprof", None), (f"{which}:speedscope", "speedscope", None)]
            + [(f"{which}:collapsed:{k}", "collapsed", k) for k in keys])


@pytest.fixture(scope="module")
def browser(profiles) -> dict:
    """Run exports_check.mjs once: the viewer's downloads of every profile,
    and speedscope opening each file of SPEEDSCOPE_LOADS."""
    if not (BROWSER_DIR / "node_modules" / "playwright-core").exists() or not SPEEDSCOPE_APP.exists():
        pytest.fail("playwright-core or speedscope missing: run scripts/install-deps.sh")
    out_dir = WORK_DIR / "browser"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    loads = []
    for name, (profile, fmt, metric) in SPEEDSCOPE_LOADS.items():
        suffix = ".speedscope.json" if fmt == "speedscope" else ".folded"
        file = export(profiles[profile], fmt, out_dir / f"{name}{suffix}", metric)
        loads.append({"name": name, "file": str(file), "saveAs": str(out_dir / f"{name}.from-speedscope.json")})
    downloads = [{"name": name, "profile": str(path), "saveDir": str(out_dir / "viewer" / name),
                  "choices": [c[0] for c in viewer_choices(path)]}
                 for name, path in profiles.items() if name not in ("hh30", "dh30")]
    # A diff (hh10 as A, hh30 as B): B's pprof and one collapsed file.
    downloads.append({"name": "diff", "profile": str(profiles["hh10"]),
                      "compareWith": str(profiles["hh30"]), "saveDir": str(out_dir / "viewer" / "diff"),
                      "choices": ["1:pprof", "1:collapsed:tb"]})
    plan = {"viewer": str(lib.REPO_DIR / "viewer"), "speedscope": str(SPEEDSCOPE_APP),
            "artifacts": str(ARTIFACTS), "viewerDownloads": downloads, "speedscopeLoads": loads}
    plan_path, results_path = out_dir / "plan.json", out_dir / "results.json"
    plan_path.write_text(json.dumps(plan, indent=1))
    proc = subprocess.run(["node", str(BROWSER_DIR / "exports_check.mjs"), str(plan_path), str(results_path)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return json.loads(results_path.read_text())


def speedscope_format(value: int, unit: str) -> str:
    """A value as speedscope shows it: its ByteFormatter (1024-based, two
    decimals, rounding half up as JavaScript's toFixed does on these exact
    values) or its RawValueFormatter (en-US toLocaleString)."""
    if unit != "bytes":
        return f"{value:,}"
    if value < 1024:
        return f"{value} B"
    scaled = decimal.Decimal(value)
    for name in ("KB", "MB", "GB"):
        scaled /= 1024
        if scaled < 1024 or name == "GB":
            return f"{scaled.quantize(decimal.Decimal('0.01'), decimal.ROUND_HALF_UP)} {name}"
    raise AssertionError("unreachable")


def speedscope_result(browser: dict, name: str) -> dict:
    result = browser["speedscope"][name]
    assert result["error"] is None, result["error"]
    assert result["pageErrors"] == []
    return result


def expected_profiles(name: str, profiles: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(speedscope name, unit, total) of every profile of a speedscope file."""
    if name == "dhcopy":
        doc = json.loads(profiles["dhcopy"].read_text())
        return [("bytes copied", "bytes", sum(pp["tb"] for pp in doc["pps"])),
                ("copy calls", "none", sum(pp["tbk"] for pp in doc["pps"]))]
    if name == "dhadhoc":
        return [("units", "none", sum(v[0] for v in AD_HOC.values())),
                ("events", "none", sum(v[1] for v in AD_HOC.values()))]
    totals = expected_totals(name, profiles[name])
    keys = HEAP_KEYS + (["cb", "cbk"] if name.startswith("hh") else [])
    return [(EXPORTED[k][2], "bytes" if EXPORTED[k][1] == "bytes" else "none", totals[k]) for k in keys]


@pytest.mark.parametrize("name", ["hh10", "dh10", "dhcopy", "dhadhoc"])
def test_speedscope_shows_every_metric_with_the_profiles_totals(browser, profiles, name) -> None:
    result = speedscope_result(browser, name)
    expected = expected_profiles(name, profiles)
    shown = [(row["name"], row["total"]) for row in result["switcher"]]
    assert shown == [(label, speedscope_format(total, unit)) for label, unit, total in expected]
    titles = [p["title"] for p in result["profiles"]]
    n = len(expected)
    assert titles == [f"{label} ({i}/{n})" for i, (label, _, _) in enumerate(expected, 1)]
    # What speedscope writes back: its own file, with exact totals.
    written = json.loads(Path(result["exported"]).read_text())["profiles"]
    assert [(p["name"], p["endValue"] - p["startValue"]) for p in written] == \
        [(label, total) for label, _, total in expected]


def test_speedscope_opens_at_the_peak_in_use_bytes(browser) -> None:
    assert speedscope_result(browser, "hh10")["firstTitle"] == "bytes at t-gmax (3/10)"


@pytest.mark.parametrize("name", ["hh10", "dh10"])
def test_speedscope_sandwich_shows_each_sites_values(browser, name) -> None:
    result = speedscope_result(browser, name)
    names = site_functions()
    for key, shown in zip(HEAP_KEYS, result["profiles"]):
        unit = EXPORTED[key][1]
        self_values = {row["name"]: row["self"].split(" (")[0] for row in shown["rows"]}
        for fn, value in site_values(key).items():
            assert self_values.get(names[fn]) == speedscope_format(value, unit), \
                f"{shown['title']}: {names[fn]}"
    if name == "hh10":
        copies = result["profiles"][8]
        assert copies["title"].startswith("bytes copied")
        assert any(row["name"].startswith(f"{COPY_SITE} (") and row["self"].startswith("4.00 KB (")
                   for row in copies["rows"]), copies["rows"]


@pytest.mark.parametrize("name, key", [("hh10-folded-tb", "tb"), ("hh10-folded-eb", "eb"),
                                       ("dh10-folded-gbk", "gbk")])
def test_speedscope_opens_collapsed_stacks_with_the_profiles_total(browser, profiles, name, key) -> None:
    result = speedscope_result(browser, name)
    written = json.loads(Path(result["exported"]).read_text())["profiles"]
    total = expected_totals("hh10", profiles["hh10"])[key]
    assert [p["endValue"] - p["startValue"] for p in written] == [total]
    assert written[0]["unit"] == "none"
    names = site_functions()
    self_values = {row["name"]: row["self"].split(" (")[0] for row in result["profiles"][0]["rows"]}
    assert {n: v for n, v in self_values.items() if v != "0"} == \
        {names[fn]: f"{v:,}" for fn, v in site_values(key).items()}


def test_viewer_offers_every_download(browser, profiles) -> None:
    for name, path in profiles.items():
        if name in ("hh30", "dh30"):
            continue
        result = browser["viewer"][name]
        assert result["options"][1]["text"] == "pprof, all metrics"
        assert result["error"] is None and result["pageErrors"] == [], result
        assert result["menuVisible"]
        assert [o["value"] for o in result["options"]] == [""] + [c[0] for c in viewer_choices(path)]


def contents(path: Path, fmt: str) -> bytes:
    """What must be equal between the viewer's download and the CLI's file:
    the bytes, or for pprof the protobuf inside the gzip (the page and
    Python compress with different compressors)."""
    data = path.read_bytes()
    return gzip.decompress(data) if fmt == "pprof" else data


def test_viewer_offers_both_profiles_of_a_diff(browser, profiles) -> None:
    result = browser["viewer"]["diff"]
    assert result["error"] is None and result["pageErrors"] == [], result
    values = [o["value"] for o in result["options"]]
    assert values == [""] + [c[0] for c in viewer_choices(profiles["hh10"], 0)] \
        + [c[0] for c in viewer_choices(profiles["hh30"], 1)]
    out_dir = WORK_DIR / "cli" / "diff"
    for value, fmt, metric in (("1:pprof", "pprof", None), ("1:collapsed:tb", "collapsed", "tb")):
        saved = Path(result["downloads"][value]["path"])
        cli = export(profiles["hh30"], fmt, out_dir / saved.name, metric)
        assert contents(saved, fmt) == contents(cli, fmt), f"{value}: {saved} differs from {cli}"


@pytest.mark.parametrize("name", ["hh10", "dh10", "dhcopy", "dhadhoc", "leaky", "interpreted"])
def test_viewer_downloads_are_the_clis_bytes(browser, profiles, name) -> None:
    result = browser["viewer"][name]
    assert result["error"] is None, result["error"]
    out_dir = WORK_DIR / "cli" / name
    out_dir.mkdir(parents=True, exist_ok=True)
    for value, fmt, metric in viewer_choices(profiles[name]):
        saved = Path(result["downloads"][value]["path"])
        cli = export(profiles[name], fmt, out_dir / saved.name, metric)
        assert contents(saved, fmt) == contents(cli, fmt), f"{value}: {saved} differs from {cli}"
    pprof_file = Path(result["downloads"]["0:pprof"]["path"])
    assert pprof_file.name == profiles[name].name.removesuffix(".json") + ".pb.gz"
    # Both compressed, not merely gzip-framed: stored blocks would make a
    # file 18 bytes or more larger than the protobuf inside.
    cli_pprof = out_dir / pprof_file.name
    for path in (pprof_file, cli_pprof):
        assert len(path.read_bytes()) < len(contents(path, "pprof")), path


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

def run_export(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(HEAPHUNT), "export", *map(str, args)], capture_output=True, text=True)


def assert_refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("heaphunt: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture()
def out_dir(tmp_path: Path) -> Path:
    return tmp_path


def leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def test_malformed_profile_is_refused(out_dir) -> None:
    bad = out_dir / "bad.json"
    bad.write_text('{"dhatFileVersion":2,"mode":"heap"')
    assert_refused(run_export("--format=pprof", bad, "-o", out_dir / "out.pb.gz"), "bad.json", "truncated")
    assert leftovers(out_dir, {"bad.json"}) == []


def test_unknown_format_is_refused(profiles, out_dir) -> None:
    assert_refused(run_export("--format=svg", profiles["hh10"], "-o", out_dir / "x"),
                   "--format", "pprof", "collapsed", "speedscope")
    assert leftovers(out_dir, set()) == []


def test_format_and_mode_are_exclusive(profiles, out_dir) -> None:
    assert_refused(run_export("--format=pprof", "--mode=copy", profiles["hh10"], "-o", out_dir / "x"),
                   "--mode")
    assert_refused(run_export("--mode=copy", "--metric=tb", profiles["hh10"], "-o", out_dir / "x"),
                   "--metric")
    assert leftovers(out_dir, set()) == []


def test_unwritable_output_is_refused(profiles, out_dir) -> None:
    not_a_dir = out_dir / "file"
    not_a_dir.write_text("x")
    assert_refused(run_export("--format=speedscope", profiles["hh10"], "-o", not_a_dir / "out.json"),
                   "-o", "cannot write")
    assert_refused(run_export("--format=speedscope", profiles["hh10"], "-o", out_dir / "none" / "o.json"),
                   "-o", "does not exist")
    assert leftovers(out_dir, {"file"}) == []


def test_metric_the_profile_lacks_is_refused_and_output_kept(profiles, out_dir) -> None:
    out = out_dir / "kept.folded"
    out.write_text("old\n")
    assert_refused(run_export("--format=collapsed", "--metric=cb", profiles["dh10"], "-o", out),
                   "--metric cb", "total-bytes (tb)", "writes (wb)")
    assert_refused(run_export("--format=pprof", "--metric=bogus", profiles["hh10"], "-o", out), "bogus")
    assert out.read_text() == "old\n"
    assert leftovers(out_dir, {"kept.folded"}) == []


def test_output_replaces_the_old_file_whole(profiles, out_dir) -> None:
    out = out_dir / "p.pb.gz"
    out.write_bytes(b"old contents, much longer than nothing" * 100)
    proc = run_export("--format=pprof", profiles["hh10"], "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"heaphunt export: pprof 10 metrics (gmax-bytes first), 3 sites and ")
    types, _ = raw_samples(pprof("-raw", out))
    assert len(types) == 10
    assert leftovers(out_dir, {"p.pb.gz"}) == []


def test_copy_mode_export_still_works(profiles, out_dir) -> None:
    out = out_dir / "copies.json"
    proc = run_export("--mode=copy", profiles["hh10"], "-o", out)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["mode"] == "copy"
    assert sum(pp["tb"] for pp in doc["pps"]) == json.loads(profiles["hh10"].read_text())["hhTotals"]["cb"]
