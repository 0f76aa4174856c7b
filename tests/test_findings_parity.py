"""One set of findings rules: `heaphunt report`'s (python/heaphunt) and the
viewer's (viewer/js, run in node by tests/browser/findings_node.mjs) must
give identical findings on the same profiles: the same kinds, sites,
order, numbers (bytes, blocks, harm) and sentences, and the same list a
reader sees (per-kind caps, "+N more", the reachable line).

Profiles: the hand-made ones of tests/python/hh_handmade.py (every rule,
the history shapes, reachability, library frames, unsymbolised frames),
under the default rules and under --skip-frames/--keep-frames,
--kind and a findings limit; and real runs: examples/leaky.c under
heaphunt and DHAT, the C and C++ test programs under heaphunt, the Rust
example, and examples/hunt's tokio server and C++ leaks (pile-ups, lost
memory, library frames of Rust, tokio and libstdc++).  The viewer's rules.js must be rules.json's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import heaphunt_testlib as lib

sys.path.insert(0, str(lib.TESTS_DIR / "python"))
import hh_handmade as hm  # noqa: E402
from heaphunt import findings as F, load  # noqa: E402
from heaphunt.rules import default_rules, with_frames  # noqa: E402

NODE_FINDINGS = lib.TESTS_DIR / "browser" / "findings_node.mjs"
WORK = lib.BUILD_DIR / "findings-parity"


def python_findings(path: Path, skip: list[str], keep: list[str], kind: str | None,
                    max_findings: int) -> dict:
    p = load(path)
    rules = with_frames(default_rules(), skip, keep)
    found = F.find_all(p, rules)

    def plain(f: F.Finding | F.More) -> dict:
        if isinstance(f, F.More):
            return {"more": f.kind, "hidden": f.hidden}
        return {"kind": f.kind, "site": f.site.index, "bytes": f.bytes_involved,
                "blocks": f.blocks_involved, "harm": f.harm, "sentence": f.sentence}
    return {"findings": [plain(f) for f in found],
            "shown": [plain(e) for e in F.shown(found, p, rules, kind, max_findings)]}


def node_findings(requests: list[dict]) -> list[dict]:
    WORK.mkdir(parents=True, exist_ok=True)
    req = WORK / "requests.json"
    req.write_text(json.dumps(requests))
    proc = subprocess.run(["node", str(NODE_FINDINGS), str(req)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"at {i}:\n  Python: {x}\n  viewer: {y}"
    return f"Python has {len(a)}, the viewer {len(b)}"


def compare(cases: list[tuple[str, Path, list[str], list[str], str | None, int]]) -> None:
    requests = [{"path": str(path), "skip": skip, "keep": keep, "kind": kind, "max": mx}
                for _, path, skip, keep, kind, mx in cases]
    results = node_findings(requests)
    for (name, path, skip, keep, kind, mx), js in zip(cases, results):
        assert "error" not in js, f"{name}: the viewer refused {path}: {js['error']}"
        py = python_findings(path, skip, keep, kind, mx)
        for part in ("findings", "shown"):
            assert py[part] == js[part], f"{name}, {part}: {first_difference(py[part], js[part])}"


def test_viewer_rules_are_the_packages() -> None:
    proc = subprocess.run([sys.executable, str(lib.REPO_DIR / "scripts" / "gen-viewer-rules.py"),
                           "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_hand_made_profiles() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    files = {name: hm.write(doc, WORK / f"{name}.json") for name, doc in (
        ("handmade", hm.handmade()), ("dhat", hm.as_plain_dhat(hm.handmade())),
        ("piles", hm.piles()), ("piles-noreach", hm.piles(reach=False)),
        ("copy", hm.copy_mode()))}
    compare([
        ("handmade", files["handmade"], [], [], None, 0),
        ("plain DHAT", files["dhat"], [], [], None, 0),
        ("piles", files["piles"], [], [], None, 0),
        ("piles without reachability", files["piles-noreach"], [], [], None, 0),
        ("piles, --kind reachable", files["piles"], [], [], "reachable", 0),
        ("piles, --findings 4", files["piles"], [], [], None, 4),
        ("piles, --kind peak --findings 2", files["piles"], [], [], "peak", 2),
        ("piles, --keep-frames", files["piles"], [], [r"^tokio::task::spawn::"], None, 0),
        ("piles, --skip-frames", files["piles"], [r"^Cache::", r"^Event#"], [], None, 0),
        ("copy mode", files["copy"], [], [], None, 0),
    ])
    # The hand-made expectations themselves hold (not just agreement).
    piles = python_findings(files["piles"], [], [], None, 0)["findings"]
    assert [(f["kind"], f["site"], f["bytes"], int(f["harm"])) for f in piles] == \
        hm.PILES_EXPECTED


@pytest.fixture(scope="module")
def real_profiles(heaphunt_runner) -> dict[str, Path]:
    out = {}
    leaky = WORK / "leaky"
    WORK.mkdir(parents=True, exist_ok=True)
    build = subprocess.run(["gcc", "-g", "-O0", "-o", str(leaky),
                            str(lib.REPO_DIR / "examples" / "leaky.c")], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    for tool in ("heaphunt", "dhat"):
        run = lib.run_tool(tool, [str(leaky)], WORK / f"leaky-{tool}")
        assert run.profile is not None, run.stderr
        out[f"leaky-{tool}"] = run.profile_path
    for name in ("new_delete", "call_stacks", "peak_middle", "realloc_grow", "strmem_basic"):
        run = lib.run_tool("heaphunt", [str(lib.build_program(name))], WORK / name)
        assert run.profile is not None, run.stderr
        out[name] = run.profile_path
    return out


def test_real_profiles(real_profiles: dict[str, Path]) -> None:
    cases = [(name, path, [], [], None, 0) for name, path in real_profiles.items()]
    cases.append(("leaky, --keep-frames .", real_profiles["leaky-heaphunt"], [], ["."], None, 0))
    compare(cases)


def test_hunt_programs(heaphunt_runner) -> None:
    from test_hunt import ORDER_BOOK, build_tokio
    exe = WORK / "order_book.bin"
    build = subprocess.run(["g++", "-std=c++17", "-O0", "-g", "-o", str(exe), str(ORDER_BOOK)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    cases = []
    for name, argv in (("order_book", [str(exe)]), ("tokio", [str(build_tokio())])):
        run = lib.run_tool("heaphunt", argv, WORK / name)
        assert run.profile is not None, run.stderr
        cases.append((name, run.profile_path, [], [], None, 0))
    compare(cases)


def test_rust_example(heaphunt_runner) -> None:
    from test_examples import build_rust_example
    run = lib.run_tool("heaphunt", [str(build_rust_example())], WORK / "rust",
                       extra_options=["--num-callers=40"])
    assert run.profile is not None, run.stderr
    compare([("rust", run.profile_path, [], [], None, 0),
             ("rust, every frame kept", run.profile_path, [], ["."], None, 0)])
