"""Fuzz the loader with mutated real and hand-made profiles.

1,600 mutations from a fixed seed (truncation, byte flips, inserted bytes,
type swaps, key deletion, huge numbers, deep nesting), each of which must
either load or raise ProfileError, never another exception.  Whatever loads
must also go through every command's computation (report with several
metrics, findings, diff, check, merge, export) without an exception, since
a file that loads can hold any values the checks allow (tbk 0 with tb > 0,
gb above tb, ...).  A sample of the rejected files goes through the CLI in
process, and a few through the real launcher: exit 2, one line on stderr.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

import heaphunt
import hh_handmade as hm
from heaphunt import check, ci_output, diff, findings, metrics, report, writer
from heaphunt.cli import main

SEED = 20261124
MUTATIONS_PER_SEED_FILE = 400
REPO_DIR = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_DIR / "bin" / "heaphunt"


def _paths(node: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path (tuple of keys/indices) in a JSON value, iteratively."""
    stack = [(node, prefix)]
    while stack:
        value, path = stack.pop()
        yield path
        if isinstance(value, dict):
            stack.extend((v, path + (k,)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(value))


def _replace(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _deep(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def mutate(rng: random.Random, text: str) -> bytes:
    data = text.encode()
    kind = rng.randrange(8)
    if kind == 0:  # truncation
        return data[:rng.randrange(len(data))]
    if kind == 1:  # byte flips
        buf = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        return bytes(buf)
    if kind == 2:  # inserted bytes
        pos = rng.randrange(len(data))
        junk = rng.choice([b"]", b"}", b",", b"-", b"\"", b"9" * 30, b"\x00", b"\xff", b"[[["])
        return data[:pos] + junk + data[pos:]
    doc = json.loads(text)
    paths = list(_paths(doc))
    path = rng.choice(paths)
    if kind == 3:  # type swap
        value = rng.choice(["str", [], {}, None, True, 1.5, -1, [1, 2], {"a": 1}, 0])
        doc = _replace(doc, path, value)
    elif kind == 4:  # key deletion
        dict_paths = [p for p in paths if p and isinstance(_get(doc, p[:-1]), dict)]
        victim = rng.choice(dict_paths)
        del _get(doc, victim[:-1])[victim[-1]]
    elif kind == 5:  # huge numbers
        int_paths = [p for p in paths if type(_get(doc, p)) is int]
        doc = _replace(doc, rng.choice(int_paths), rng.choice([2**63, 2**64, 10**40, -(2**70)]))
    elif kind == 6:  # deep nesting
        doc = _replace(doc, path, _deep(rng.choice([50, 900, 3000, 20000])))
    else:  # numbers nudged into odd but valid values (0s, equal counts)
        int_paths = [p for p in paths if type(_get(doc, p)) is int]
        for p in rng.sample(int_paths, min(5, len(int_paths))):
            doc = _replace(doc, p, rng.choice([0, 1, 2**63 - 1]))
    try:
        return json.dumps(doc).encode()
    except (RecursionError, ValueError):
        return b"[" * 100_000


def _get(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def exercise(p: heaphunt.Profile) -> None:
    """Everything the commands compute from a loaded profile."""
    for name in ("total-bytes", "total-avg-lifetime", "short-lived", "end-idle-bytes",
                 "reads-per-byte", "low-access-bytes", "idle-fraction"):
        opts = report.ReportOptions(metric=metrics.find_metric(name), top=5, stack_frames=3)
        report.report_lines(p, opts)
    findings.find_all(p)
    diff.diff_lines(p, p, metrics.find_metric("eb"), 5)
    limits = [check.Limit("x", "eb", 0), check.parse_site_limit("main:tb<=0"),
              check.parse_site_limit("main:tb<=+1%"), *check.growth_limits("tb", 0, 0.5)]
    results = check.evaluate(p, limits, baseline=p)
    check.result_lines(results)
    ci_output.junit_xml(results, p.path, p.path)
    ci_output.github_lines(results)
    writer.dumps(writer.merge_profiles([p, p]))
    if p.copy_sites is not None:
        writer.dumps(writer.export_copy_mode(p))


def seed_texts(leaky_text: str | None) -> list[tuple[str, str]]:
    texts = [("handmade", json.dumps(hm.handmade(), indent=1)),
             ("plain-dhat", json.dumps(hm.as_plain_dhat(hm.handmade()))),
             ("copy-mode", json.dumps(hm.copy_mode()))]
    if leaky_text is not None:
        texts.append(("leaky", leaky_text))
    return texts


@pytest.fixture(scope="module")
def real_profile_text(leaky_run) -> str:
    return Path(leaky_run.profile.path).read_text()


def test_fuzzed_profiles_load_or_raise_profile_error(real_profile_text: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    rng = random.Random(SEED)
    loaded = rejected = 0
    cli_checked = 0
    kept_for_subprocess: list[Path] = []
    for name, text in seed_texts(real_profile_text):
        for i in range(MUTATIONS_PER_SEED_FILE):
            data = mutate(rng, text)
            label = f"{name}#{i}"
            try:
                p = heaphunt.loads(data, label)
            except heaphunt.ProfileError as e:
                rejected += 1
                assert str(e).startswith(f"{label}: ") and "\n" not in str(e), str(e)
                if i % 40 == 0:
                    path = tmp_path / f"{name}-{i}.json"
                    path.write_bytes(data)
                    with pytest.raises(SystemExit) as info:
                        main(["report", str(path)])
                    err = capsys.readouterr().err
                    assert info.value.code == 2 and err.count("\n") == 1, err
                    assert err.startswith(f"heaphunt: {path}: "), err
                    cli_checked += 1
                    if len(kept_for_subprocess) < 4:
                        kept_for_subprocess.append(path)
                continue
            except Exception as e:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{label}: {type(e).__name__} instead of ProfileError: {e}\n"
                            f"data starts: {data[:200]!r}")
            loaded += 1
            try:
                exercise(p)
            except Exception as e:  # noqa: BLE001
                pytest.fail(f"{label} loaded but {type(e).__name__} computing on it: {e}")
    total = loaded + rejected
    assert total >= 1_600
    # Both outcomes must be common, or the mutations are not testing much.
    assert loaded > 100 and rejected > 400, (loaded, rejected)
    assert cli_checked >= 10
    for path in kept_for_subprocess:
        proc = subprocess.run([str(LAUNCHER), "report", str(path)], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc
        assert "Traceback" not in proc.stderr
