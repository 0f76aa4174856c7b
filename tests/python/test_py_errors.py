"""Every class of bad profile is rejected with one line naming the file and
the problem, by the library (ProfileError) and by the CLI (exit 2, one line
on stderr, no traceback)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import heaphunt
import hh_handmade as hm
from heaphunt.cli import main

REPO_DIR = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_DIR / "bin" / "heaphunt"


def _doc_case(mutate: Callable[[dict[str, Any]], None]) -> bytes:
    doc = hm.handmade()
    mutate(doc)
    return json.dumps(doc).encode()


def _set(path: list, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _delete(path: list) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


GOOD_TEXT = json.dumps(hm.handmade()).encode()

# (case id, file contents, text the message must contain)
BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "file is empty"),
    ("whitespace", b"  \n", "file is empty"),
    ("truncated", GOOD_TEXT[:len(GOOD_TEXT) // 2], "truncated JSON"),
    ("not-json", b"hello world", "not valid JSON at line 1 column 1"),
    ("binary", b"\x7fELF\x02\x01\x01\x00\xff\xfe", "not UTF-8"),
    ("json-array", b"[1, 2, 3]", "holds a list, not a JSON object"),
    ("not-a-profile", b'{"name": "x"}', "no \"dhatFileVersion\" field"),
    ("wrong-version", _doc_case(_set(["dhatFileVersion"], 3)), "dhatFileVersion is 3"),
    ("version-string", _doc_case(_set(["dhatFileVersion"], "2")), "dhatFileVersion is \"2\""),
    ("missing-pps", _doc_case(_delete(["pps"])), "has no \"pps\" field"),
    ("missing-tg", _doc_case(_delete(["tg"])), "no \"tg\" field (required when bklt is true)"),
    ("pps-not-list", _doc_case(_set(["pps"], {"a": 1})), "pps should be a list, got an object"),
    ("pp-not-object", _doc_case(_set(["pps", 1], 7)), "pps[1] should be an object"),
    ("missing-frames", _doc_case(_delete(["pps", 2, "fs"])), "pps[2] has no \"fs\" field"),
    ("missing-tb", _doc_case(_delete(["pps", 0, "tb"])), "pps[0] has no \"tb\" field"),
    ("missing-eb", _doc_case(_delete(["pps", 0, "eb"])), "pps[0] has no \"eb\" field"),
    ("frame-out-of-range", _doc_case(_set(["pps", 3, "fs", 1], 999)),
     "pps[3].fs[1] is frame 999, but ftbl has only 11 entries"),
    ("frame-negative", _doc_case(_set(["pps", 3, "fs", 0], -1)), "pps[3].fs[0] is frame -1"),
    ("frame-not-int", _doc_case(_set(["pps", 3, "fs", 0], "main")),
     "pps[3].fs[0] should be a frame index, got a string"),
    ("ftbl-not-strings", _doc_case(_set(["ftbl", 2], 5)), "ftbl[2] should be a frame string"),
    ("ftbl-empty", _doc_case(_set(["ftbl"], [])), "ftbl is empty"),
    ("negative-count", _doc_case(_set(["pps", 1, "tbk"], -5)), "pps[1].tbk is -5, a negative count"),
    ("huge-number", _doc_case(_set(["pps", 1, "tb"], 10**30)), "pps[1].tb is a 31-digit number, larger than any real count"),
    ("float-count", _doc_case(_set(["pps", 1, "rb"], 1.5)), "pps[1].rb should be a non-negative integer"),
    ("bool-count", _doc_case(_set(["te"], True)), "te should be a non-negative integer, got a boolean"),
    ("null-count", _doc_case(_set(["pps", 0, "wb"], None)), "got null"),
    ("string-count", _doc_case(_set(["hhTotals", "eb"], "6400")), "hhTotals.eb should be a non-negative integer, got a string"),
    ("bklt-not-bool", _doc_case(_set(["bklt"], "yes")), "bklt should be true or false"),
    ("cmd-not-string", _doc_case(_set(["cmd"], ["a"])), "cmd should be a string, got a list"),
    ("nan", GOOD_TEXT.replace(b'"te": 1000000', b'"te": NaN'), "NaN is not a JSON number"),
    ("infinity", GOOD_TEXT.replace(b'"te": 1000000', b'"te": Infinity'), "Infinity is not a JSON number"),
    ("giant-integer", GOOD_TEXT.replace(b'"te": 1000000', b'"te": ' + b"9" * 5000), "not valid JSON"),
    ("deep-nesting", b'{"dhatFileVersion": 2, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "nested too deeply"),
    ("acc-huge-repeat", _doc_case(_set(["pps", 2, "acc"], [-(10**12), 1])), "decodes to more than"),
    ("acc-dangling-repeat", _doc_case(_set(["pps", 2, "acc"], [1, 2, -3])), "ends with a repeat count"),
    ("acc-over-65535", _doc_case(_set(["pps", 2, "acc"], [70000])), "above the histogram's limit 65535"),
    ("deciles-wrong-length", _doc_case(_set(["pps", 0, "hhEndIdleDeciles"], [1, 2])),
     "should have 10 buckets, has 2"),
    ("copy-site-bad-pp", _doc_case(_set(["hhCopySites", 0, "src"], [[17, 5]])),
     "hhCopySites[0].src[0] names site 17, but there are 4 sites"),
    ("copy-site-bad-pair", _doc_case(_set(["hhCopySites", 1, "dst"], [[1]])),
     "should be a [pp_index, bytes] pair"),
    ("timeline-lengths", _doc_case(_set(["hhTimeline", "b"], [0])), "different lengths"),
    ("timeline-not-increasing", _doc_case(_set(["hhTimeline", "t"], [0, 5, 5])),
     "not strictly increasing at index 2"),
    ("checkpoint-no-name", _doc_case(_delete(["hhCheckpoints", 0, "name"])),
     "hhCheckpoints[0] has no \"name\" field"),
]


@pytest.mark.parametrize("case,data,expected", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_profile_raises_one_line_profile_error(tmp_path: Path, case: str, data: bytes,
                                                   expected: str) -> None:
    path = tmp_path / f"{case}.json"
    path.write_bytes(data)
    with pytest.raises(heaphunt.ProfileError) as info:
        heaphunt.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert "\n" not in message and len(message) < 400, message


@pytest.mark.parametrize("case,data,expected", BAD_FILES[::4], ids=[c[0] for c in BAD_FILES[::4]])
def test_cli_rejects_bad_profile_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               case: str, data: bytes, expected: str) -> None:
    path = tmp_path / f"{case}.json"
    path.write_bytes(data)
    with pytest.raises(SystemExit) as info:
        main(["report", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"heaphunt: {path}: "), err
    assert expected in err


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(heaphunt.ProfileError, match=r"nope\.json: cannot read: No such file"):
        heaphunt.load(tmp_path / "nope.json")


def test_directory_is_not_a_profile(tmp_path: Path) -> None:
    with pytest.raises(heaphunt.ProfileError, match="is a directory"):
        heaphunt.load(tmp_path)


@pytest.mark.parametrize("command", [
    ["report"], ["diff"], ["check"], ["merge"], ["export"], ["view"], ["run"],
])
def test_launcher_rejects_bad_file_in_one_line(tmp_path: Path, command: list[str]) -> None:
    """The real command, as a user runs it: exit 2, one line, no traceback."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(GOOD_TEXT[:100])
    extra = {"check": ["--max-end-bytes", "0"], "merge": ["-o", str(tmp_path / "m.json")],
             "export": ["--mode=copy", "-o", str(tmp_path / "e.json")]}.get(command[0], [])
    if command[0] == "diff":
        args = [str(bad), str(bad)]
    elif command[0] == "run":
        args = ["--valgrind", str(tmp_path / "no-such-valgrind"), "--", "/bin/true"]
    else:
        args = [str(bad)]
    proc = subprocess.run([str(LAUNCHER), *command, *extra, *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("heaphunt: "), proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv, message", [
    (["report", "--bogus", "x.json"],
     "heaphunt: report: unrecognized arguments: --bogus (see 'heaphunt report --help')\n"),
    (["diff", "a.json", "b.json", "c.json"],
     "heaphunt: diff: unrecognized arguments: c.json (see 'heaphunt diff --help')\n"),
])
def test_unknown_argument_points_to_the_command_help(argv: list[str], message: str) -> None:
    proc = subprocess.run([str(LAUNCHER), *argv], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (2, message)


def test_no_command_lists_the_commands() -> None:
    proc = subprocess.run([str(LAUNCHER)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("usage: heaphunt ")
    for command in ("report", "diff", "check", "merge", "export", "view", "run"):
        assert f"\n    {command} " in proc.stderr, command
