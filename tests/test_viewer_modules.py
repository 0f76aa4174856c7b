"""The viewer's modules declare what they use (viewer/js/registry.js).

Static checks on the source of viewer/js/*.js and index.html, and the real
scripts loaded in node (tests/browser/modules_check.mjs) in other orders
than the page's and with one file left out: the modules must build in any
order, and a missing one must be named in one clear message.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

JS_DIR = lib.REPO_DIR / "viewer" / "js"
INDEX = lib.REPO_DIR / "viewer" / "index.html"
CHECK = lib.TESTS_DIR / "browser" / "modules_check.mjs"

_DEFINE_RE = re.compile(r'HH\.define\("(?P<name>[\w-]+)", \[(?P<needs>[^\]]*)\], function \((?P<param>use)?\)')
_COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_STRING_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def module_files() -> list[Path]:
    return sorted(p for p in JS_DIR.glob("*.js") if p.stem != "registry")


def code_of(path: Path) -> str:
    """The file without comments and string literals (which may say "HH.")."""
    text = _COMMENT_RE.sub(" ", path.read_text())
    return _STRING_RE.sub('""', text)


def declared(path: Path) -> tuple[str, list[str]]:
    defines = list(_DEFINE_RE.finditer(path.read_text()))
    assert len(defines) == 1, f"{path.name}: expected one HH.define(...), found {len(defines)}"
    needs = [n.strip().strip('"') for n in defines[0].group("needs").split(",") if n.strip()]
    return defines[0].group("name"), needs


@pytest.mark.parametrize("path", module_files(), ids=lambda p: p.name)
def test_module_uses_exactly_what_it_declares(path: Path) -> None:
    name, needs = declared(path)
    assert name == path.stem, f"{path.name} defines module {name!r}; name it after the file"
    code = code_of(path)
    used = sorted(set(re.findall(r"\buse\.(\w+)", code)))
    assert used == sorted(needs), (
        f"{path.name}: declares {sorted(needs)} but uses {used}")
    stray = re.findall(r"\b(?:window\.)?HH\.(?!define\b)\w+", code)
    assert not stray, f"{path.name} reaches into the global HH: {stray}"


def test_index_loads_every_module_once_and_starts_the_app() -> None:
    html = INDEX.read_text()
    scripts = re.findall(r'<script src="js/([\w-]+)\.js"></script>', html)
    assert scripts[0] == "registry", "js/registry.js must load first: it defines HH.define"
    assert sorted(scripts[1:]) == sorted(p.stem for p in module_files()), scripts
    assert len(scripts) == len(set(scripts)), f"a script is loaded twice: {scripts}"
    assert 'HH.start("app")' in html


def run_check(entry: str, names: list[str]) -> dict:
    proc = subprocess.run(["node", str(CHECK), entry, *names], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_modules_build_in_any_script_order() -> None:
    names = [p.stem for p in module_files()]
    for seed in range(3):
        order = names[:]
        random.Random(seed).shuffle(order)
        result = run_check("app", order)
        assert result == {"ok": True, "built": sorted(names)}, (order, result)


def test_a_missing_module_is_named_with_who_needs_it() -> None:
    names = [p.stem for p in module_files() if p.stem != "tree"]
    result = run_check("app", names)
    assert not result["ok"]
    assert 'uses "tree", but no script defines the viewer module "tree"' in result["error"], result
    assert "js/tree.js" in result["error"]
