"""The findings rules: one data file (rules.json) for Python and the viewer.

rules.json holds the thresholds of every finding kind and three lists of
regular expressions over frame text ("fn (file:line)", "fn (in object)",
"fn [ruby] (file:line)", the frame string without its code address):

  alloc     allocation wrappers (malloc, operator new, Rust's alloc.rs,
            ruby_xmalloc, PyObject_Malloc, Valgrind's preloads)
  library   code that is not the program's own (Rust's std, the C++ and C
            libraries, the interpreters, installed gems and packages)
  keep      frames that are the program's even if an expression above
            matches them

The viewer reads the same file through viewer/js/rules.js, which
scripts/gen-viewer-rules.py generates from it (tests check that it is up
to date).  The expressions are written in the part of the syntax Python's
`re` and JavaScript's RegExp share.  A user adds expressions with
--skip-frames and --keep-frames (`with_frames`); a bad one is a RulesError
naming the option and the problem.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from pathlib import Path

RULES_PATH = Path(__file__).with_name("rules.json")

# Finding thresholds, all whole numbers, named as in rules.json.
THRESHOLD_KEYS = (
    "max_per_kind", "stale_window_percent", "leak_stale_min_percent",
    "never_accessed_min_percent", "write_only_min_percent",
    "write_only_max_read_percent_of_writes", "short_lived_min_percent",
    "short_lived_min_blocks", "stale_before_free_min_percent", "peak_min_percent",
    "pileup_min_peak_percent", "pileup_min_rise_percent", "pileup_min_rising_instants",
    "pileup_max_step_percent", "pileup_base_percent", "pileup_level_percent",
    "pileup_plateau_min_percent", "startup_percent",
)
FRAME_TIERS = ("alloc", "library", "keep")

# Group syntax both languages read the same way: (?:...), (?=...), (?!...).
_UNSHARED_GROUP_RE = re.compile(r"(?<!\\)\(\?(?![:=!])")

# hhEndIdleDeciles has ten buckets of a tenth of the run each.
END_IDLE_BUCKETS = 10


class RulesError(ValueError):
    """A rules file or a --skip-frames/--keep-frames expression is unusable."""


@dataclasses.dataclass(frozen=True)
class Thresholds:
    max_per_kind: int
    stale_window_percent: int
    leak_stale_min_percent: int
    never_accessed_min_percent: int
    write_only_min_percent: int
    write_only_max_read_percent_of_writes: int
    short_lived_min_percent: int
    short_lived_min_blocks: int
    stale_before_free_min_percent: int
    peak_min_percent: int
    pileup_min_peak_percent: int
    pileup_min_rise_percent: int
    pileup_min_rising_instants: int
    pileup_max_step_percent: int
    pileup_base_percent: int
    pileup_level_percent: int
    pileup_plateau_min_percent: int
    startup_percent: int

    @property
    def stale_buckets(self) -> int:
        """hhEndIdleDeciles buckets before the stale window (8 for 20%)."""
        return END_IDLE_BUCKETS - self.stale_window_percent // 10


@dataclasses.dataclass(frozen=True)
class Rules:
    thresholds: Thresholds
    alloc: tuple[str, ...]
    library: tuple[str, ...]
    keep: tuple[str, ...]


def _check_pattern(pattern: object, where: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: expected a non-empty regular expression")
    try:
        re.compile(pattern, re.ASCII)
    except re.error as e:
        raise RulesError(f"{where}: {pattern!r} is not a regular expression ({e})") from None
    if _UNSHARED_GROUP_RE.search(pattern):
        # (?P<name>...), (?i), (?<=...): Python and JavaScript read these
        # differently or not at all, and the viewer runs the same expressions.
        raise RulesError(f"{where}: {pattern!r} uses a (?...) group other than (?:...), "
                         "(?=...) and (?!...), which the viewer's JavaScript may not read "
                         "the same way")
    return pattern


def parse_rules(data: object, name: str) -> Rules:
    """Check the structure of a rules document; RulesError on any problem."""
    if not isinstance(data, dict):
        raise RulesError(f"{name}: expected a JSON object")
    raw = data.get("thresholds")
    if not isinstance(raw, dict):
        raise RulesError(f"{name}: no \"thresholds\" object")
    values = {}
    for key in THRESHOLD_KEYS:
        v = raw.get(key)
        if type(v) is not int or v < 0:
            raise RulesError(f"{name}: thresholds.{key} should be a whole number >= 0, got {v!r}")
        values[key] = v
    unknown = sorted(set(raw) - set(THRESHOLD_KEYS))
    if unknown:
        raise RulesError(f"{name}: unknown threshold {unknown[0]!r}")
    thresholds = Thresholds(**values)
    if thresholds.stale_window_percent % 10 or not 0 < thresholds.stale_window_percent <= 100:
        raise RulesError(f"{name}: thresholds.stale_window_percent must be 10, 20, ... or 100 "
                         "(hhEndIdleDeciles has buckets of 10% of the run)")
    frames = data.get("frames")
    if not isinstance(frames, dict):
        raise RulesError(f"{name}: no \"frames\" object")
    tiers: dict[str, tuple[str, ...]] = {}
    for tier in FRAME_TIERS:
        entries = frames.get(tier)
        if not isinstance(entries, list):
            raise RulesError(f"{name}: frames.{tier} should be a list")
        patterns = []
        for i, entry in enumerate(entries):
            where = f"{name}: frames.{tier}[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("why"), str):
                raise RulesError(f"{where}: expected {{\"re\": ..., \"why\": ...}}")
            patterns.append(_check_pattern(entry.get("re"), where))
        tiers[tier] = tuple(patterns)
    return Rules(thresholds=thresholds, **tiers)


@lru_cache(maxsize=None)
def default_rules() -> Rules:
    """rules.json beside this module, read once."""
    try:
        data = json.loads(RULES_PATH.read_text())
    except (OSError, ValueError) as e:
        raise RulesError(f"{RULES_PATH}: cannot read the rules: {e}") from None
    return parse_rules(data, str(RULES_PATH))


def with_frames(rules: Rules, skip: list[str] | None = None,
                keep: list[str] | None = None) -> Rules:
    """The rules plus the user's --skip-frames (library) and --keep-frames."""
    skip = [_check_pattern(p, f"--skip-frames {p!r}") for p in skip or []]
    keep = [_check_pattern(p, f"--keep-frames {p!r}") for p in keep or []]
    if not skip and not keep:
        return rules
    return dataclasses.replace(rules, library=rules.library + tuple(skip),
                               keep=rules.keep + tuple(keep))
