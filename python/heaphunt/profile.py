"""Load a profile file into typed objects, rejecting bad files with one message.

A profile is a DHAT file version 2 (Valgrind's DHAT in heap, copy or ad-hoc
mode, or heaphunt, which writes heap mode plus extra "hh*" keys; see
docs/json-format.md).  `load(path)` parses it with one `json.loads` and then
walks only the keys it knows, checking each one's type and range, so that a
malformed, truncated, hostile or wrong-version file raises `ProfileError`
with a single line naming the file and the first problem found, never any
other exception.  Unknown keys are ignored, as dh_view.js ignores them.

Organisation: banner sections follow the data: errors, the dataclasses a
caller sees (Totals, Site, CopySite, Timeline, Checkpoint, Profile), frame
string helpers, then the loader (raw bytes -> JSON -> checked fields ->
objects).  Nothing here prints.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Callable

# The one file version of DHAT's format that exists (dh_view.js insists on 2).
SUPPORTED_FILE_VERSION = 2

# Counts in a real profile are 64-bit unsigned in the tool; anything larger
# is a corrupt or hostile file, and refusing it keeps arithmetic sane.
MAX_COUNT = 2**64 - 1

# DHAT's histogram counts latch at 0xffff (heaphunt saturates there too).
MAX_ACC_COUNT = 0xFFFF

# A decoded histogram has one entry per byte of a block, and only blocks up
# to --histogram-max (default 1024) bytes get one.  A run-length count far
# beyond any plausible block size is an attack on memory, not data.
MAX_ACC_ENTRIES = 1 << 24

# A real profile nests 4 levels deep (top, pps, pp, fs).  json's C decoder
# raises RecursionError on deeply nested input; we turn that into a
# ProfileError, and reject unexpected nesting where we know the shape.
MAX_JSON_DEPTH_HINT = "nested too deeply to be a profile"

# Summary fields, in the order DHAT prints them.
SUMMARY_KEYS = ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")

# Per-site numbers of DHAT heap mode and which mode flag requires them.
PP_ALWAYS_KEYS = ("tb", "tbk")
PP_BKLT_KEYS = ("tl", "mb", "mbk", "gb", "gbk", "eb", "ebk")
PP_BKACC_KEYS = ("rb", "wb")

# heaphunt's per-site extras: JSON key -> Site attribute.  All optional.
PP_HH_KEYS = {
    "hhCopyInB": "copy_in_bytes",
    "hhCopyInK": "copy_in_calls",
    "hhCopyOutB": "copy_out_bytes",
    "hhCopyOutK": "copy_out_calls",
    "hhReallocMovedB": "realloc_moved_bytes",
    "hhNoAccK": "never_accessed_blocks",
    "hhWriteOnlyK": "write_only_blocks",
    "hhReadOnlyAfterInitK": "read_only_after_init_blocks",
    "hhShortK": "short_lived_blocks",
    "hhIdleI": "idle_instrs",
    "hhFirstT": "first_alloc_t",
    "hhLastT": "last_free_t",
    "hhLostB": "lost_bytes",
    "hhLostK": "lost_blocks",
}
END_IDLE_BUCKETS = 10

# hhHist.k: why an instant of the per-site history is there.
HIST_INSTANT_KINDS = "scge"

# Frame string as DHAT and heaphunt write it:
#   "0x1091D8: log_event (leaky.c:95)"
#   "0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)"
_FRAME_RE = re.compile(
    r"^(?:0x[0-9A-Fa-f]+: )?(?P<fn>.*?) \((?P<in>in )?(?P<where>[^()]*)\)$")
_ADDRESS_PREFIX_RE = re.compile(r"^0x[0-9A-Fa-f]+: ")
_FILE_LINE_RE = re.compile(r"^.+:\d+$")
# An interpreted frame's language mark, just before its location.
_LANGUAGE_MARK_RE = re.compile(r" \[(python|ruby)\]$")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

class ProfileError(Exception):
    """A profile file cannot be used: its text names the file and the problem
    in one line, ready to print after the program's name."""


class _Bad(Exception):
    """Internal: a problem at a JSON path, before the file name is added."""


# --------------------------------------------------------------------------
# What a caller sees
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Totals:
    """The global summary numbers (DHAT's five lines, plus copies)."""
    tb: int = 0    # total bytes allocated
    tbk: int = 0   # total blocks allocated
    gb: int = 0    # bytes live at t-gmax (the global peak)
    gbk: int = 0   # blocks live at t-gmax
    eb: int = 0    # bytes live at t-end
    ebk: int = 0   # blocks live at t-end
    rb: int = 0    # bytes read from heap blocks
    wb: int = 0    # bytes written to heap blocks
    cb: int | None = None    # bytes copied by memcpy-family calls, if profiled
    cbk: int | None = None   # memcpy-family calls, if profiled
    lb: int | None = None    # bytes live at exit that no pointer reaches (hhReach)
    lbk: int | None = None   # blocks of them

    def get(self, key: str) -> int | None:
        return getattr(self, key)


@dataclasses.dataclass
class Site:
    """One program point ("pps" entry): an allocation call stack and its numbers.

    DHAT's keys keep their names (tb, tbk, tl, ...).  Numbers a mode does not
    record (copy and ad-hoc files have only tb/tbk) are None.  heaphunt's
    extras are None in files that lack them.
    """
    index: int                      # position in the file's "pps"
    frames: list[str]               # frame strings, innermost first
    tb: int
    tbk: int
    tl: int | None = None           # sum of block lifetimes, instrs
    mb: int | None = None
    mbk: int | None = None
    gb: int | None = None
    gbk: int | None = None
    eb: int | None = None
    ebk: int | None = None
    rb: int | None = None
    wb: int | None = None
    acc_rle: list[int] | None = None   # the file's run-length-encoded histogram
    copy_in_bytes: int | None = None
    copy_in_calls: int | None = None
    copy_out_bytes: int | None = None
    copy_out_calls: int | None = None
    realloc_moved_bytes: int | None = None   # bytes realloc copied to a new block
    never_accessed_blocks: int | None = None
    write_only_blocks: int | None = None
    read_only_after_init_blocks: int | None = None
    short_lived_blocks: int | None = None
    idle_instrs: int | None = None
    first_alloc_t: int | None = None
    last_free_t: int | None = None
    lost_bytes: int | None = None    # of eb, unreachable at exit (hhReach files)
    lost_blocks: int | None = None   # of ebk
    end_idle_deciles: list[int] | None = None
    cut: bool = False                # hhCut: a stack of it was cut at --num-callers
    # hhH: (instant index, live bytes, live blocks) triples, flat, at the
    # instants of Profile.hist_t where the value changed (history.py reads it).
    hist: list[int] | None = None

    @property
    def acc(self) -> list[int] | None:
        """The per-offset access histogram, decoded (one count per byte)."""
        return None if self.acc_rle is None else decode_acc(self.acc_rle)

    @property
    def user_frames(self) -> list[str]:
        """Frames without those inside a Valgrind preload (DHAT shows malloc's
        own frame in vgpreload_dhat-*.so; heaphunt hides it)."""
        return [f for f in self.frames if not is_preload_frame(f)]

    @property
    def function(self) -> str:
        """The function of the first user frame, without C++ parameters."""
        frames = self.user_frames
        return frame_function(frames[0]) if frames else "[no frames]"

    @property
    def name(self) -> str:
        """How findings and reports name a site: "make_event (leaky.c:42)"."""
        frames = self.user_frames
        return frame_name(frames[0]) if frames else "[no frames]"

    def get(self, key: str) -> Any:
        """A number by its JSON key ("tb", "hhCopyInB") or attribute name."""
        if key in PP_HH_KEYS:
            key = PP_HH_KEYS[key]
        elif key == "hhEndIdleDeciles":
            key = "end_idle_deciles"
        elif key == "hhH":
            key = "hist"
        return getattr(self, key)


@dataclasses.dataclass
class CopySite:
    """One memcpy-family call stack ("hhCopySites" entry)."""
    index: int
    frames: list[str]
    cb: int                         # bytes copied
    cbk: int                        # calls
    src: list[tuple[int, int]]      # (pp index or -1, bytes read from it)
    dst: list[tuple[int, int]]      # (pp index or -1, bytes written into it)

    @property
    def name(self) -> str:
        return frame_name(self.frames[0]) if self.frames else "[no frames]"


@dataclasses.dataclass
class Timeline:
    """Live heap over time, a step function: value holds until the next t."""
    t: list[int]
    b: list[int]
    bk: list[int]


@dataclasses.dataclass
class Checkpoint:
    name: str
    t: int
    b: int
    bk: int
    hi: int | None = None    # its instant's index in Profile.hist_t


@dataclasses.dataclass
class History:
    """hhHist: the instants at which every site's live bytes are known."""
    t: list[int]             # instrs, strictly increasing; the last is te
    kinds: str               # one of "scge" per instant (sample, checkpoint, t-gmax, end)
    g: int | None            # index of t-gmax in t (None: nothing was allocated)


@dataclasses.dataclass
class Profile:
    path: str                       # the file it was loaded from
    version: int                    # dhatFileVersion
    mode: str                       # "heap", "copy", "ad-hoc"
    verb: str
    bklt: bool                      # block lifetimes recorded
    bkacc: bool                     # block accesses recorded
    tu: str                         # time unit ("instrs")
    mtu: str
    cmd: str
    pid: int
    te: int                         # time at the end
    tg: int | None                  # time of the global peak (heap mode)
    tuth: int | None                # short-lived threshold (heap mode)
    totals: Totals
    totals_from_file: bool          # hhTotals present, else summed from sites
    sites: list[Site]
    frame_table: list[str]
    hh_version: str | None = None
    hist_limit: int | None = None
    copies_enabled: bool | None = None
    copy_sites: list[CopySite] | None = None
    timeline: Timeline | None = None
    checkpoints: list[Checkpoint] | None = None
    history: History | None = None  # hhHist; sites' hhH refer to it
    reach: bool = False             # hhReach: lost/reachable split at exit
    objs: list[tuple[str, int]] | None = None   # hhObjs: (object path, load base)
    # hhFrameDirs: the directory of each frame's source file, by frame string
    frame_dirs: dict[str, str] | None = None
    num_callers: int | None = None  # hhNumCallers: the --num-callers limit
    extra_top_level: dict[str, Any] = dataclasses.field(default_factory=dict)
    _name_counts: dict[str, int] | None = dataclasses.field(
        default=None, repr=False, compare=False)

    @property
    def is_heaphunt(self) -> bool:
        return self.hh_version is not None

    def sites_named(self, name: str) -> int:
        """How many sites share this first-frame name (computed once)."""
        if self._name_counts is None:
            counts: dict[str, int] = {}
            for s in self.sites:
                counts[s.name] = counts.get(s.name, 0) + 1
            self._name_counts = counts
        return self._name_counts.get(name, 0)


# --------------------------------------------------------------------------
# Frame strings
# --------------------------------------------------------------------------

def is_preload_frame(frame: str) -> bool:
    return "vgpreload_" in frame


def frame_function(frame: str) -> str:
    """"0x1091A9: alloc_small (site.c:12)" -> "alloc_small";
    "0x10A0: alloc_plain() (x.cpp:20)" -> "alloc_plain"; "[root]" -> "[root]";
    an interpreted frame's function whole, without its language mark:
    "0x0: block (2 levels) in run [ruby] (app.rb:3)" -> "block (2 levels) in run"."""
    m = _FRAME_RE.match(frame)
    fn = m.group("fn") if m else _ADDRESS_PREFIX_RE.sub("", frame)
    mark = _LANGUAGE_MARK_RE.search(fn)
    if mark:
        return fn[:mark.start()]
    head = fn.split("(")[0].strip()
    return head or fn


def frame_language(frame: str) -> str:
    """"python" or "ruby" for an interpreted frame (docs/json-format.md's
    "0x0: FUNCTION [LANG] (FILE:LINE)"), "" for a native one."""
    m = _FRAME_RE.match(frame)
    mark = _LANGUAGE_MARK_RE.search(m.group("fn")) if m else None
    return mark.group(1) if mark else ""


def frame_location(frame: str) -> str:
    """"leaky.c:95" or "in /lib/libc.so.6", "" if the frame has neither."""
    m = _FRAME_RE.match(frame)
    if not m:
        return ""
    return ("in " if m.group("in") else "") + m.group("where")


def frame_name(frame: str) -> str:
    """The frame without its address: "log_event (leaky.c:95)"."""
    return _ADDRESS_PREFIX_RE.sub("", frame)


def frame_key(frame: str) -> str:
    """What matches a frame across runs (diff, merge): its text without the
    code address when it has a file:line, since a rebuild moves addresses but
    not lines; frames without line info keep their address, or every "???"
    in a library would become one frame."""
    m = _FRAME_RE.match(frame)
    if m and not m.group("in") and _FILE_LINE_RE.match(m.group("where")):
        return frame_name(frame)
    return frame


def stack_key(frames: list[str]) -> tuple[str, ...]:
    return tuple(frame_key(f) for f in frames)


def decode_acc(rle: list[int]) -> list[int]:
    """Undo DHAT's run-length encoding: "-N, M" is N entries of value M."""
    out: list[int] = []
    i = 0
    while i < len(rle):
        if rle[i] < 0:
            out.extend([rle[i + 1]] * -rle[i])
            i += 2
        else:
            out.append(rle[i])
            i += 1
    return out


def encode_acc(values: list[int]) -> list[int]:
    """DHAT's run-length encoding: runs of 4 or more become "-N, M"."""
    out: list[int] = []
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        run = j - i
        if run >= 4:
            out += [-run, values[i]]
        else:
            out += values[i:j]
        i = j
    return out


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def load(path: str | Path) -> Profile:
    """Read and check a profile file; raise ProfileError on any problem."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise ProfileError(f"{name}: is a directory, not a profile file") from None
    except OSError as e:
        raise ProfileError(f"{name}: cannot read: {e.strerror or e}") from None
    return loads(data, name)


def loads(data: bytes | str, name: str = "<profile>") -> Profile:
    """Check and convert a profile's text; `name` is used in messages."""
    try:
        obj = _parse_json(data)
        return _build_profile(obj, name)
    except _Bad as e:
        raise ProfileError(f"{name}: {e}") from None


def _reject_constant(text: str) -> Any:
    raise _Bad(f"not valid JSON: {text} is not a JSON number")


def _parse_json(data: bytes | str) -> Any:
    if isinstance(data, bytes):
        if not data.strip():
            raise _Bad("file is empty, not a profile")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _Bad(f"not a profile: byte {e.start} is not UTF-8 text") from None
    else:
        text = data
    if not text.strip():
        raise _Bad("file is empty, not a profile")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise _Bad(f"not a profile: JSON {MAX_JSON_DEPTH_HINT}") from None
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()):
            raise _Bad(f"truncated JSON: input ends at line {e.lineno} column {e.colno}"
                       f" ({e.msg})") from None
        raise _Bad(f"not valid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    except ValueError as e:
        # e.g. an integer with more digits than int() accepts.
        raise _Bad(f"not valid JSON: {_one_line(str(e))}") from None


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _show(value: Any) -> str:
    """A value as it would appear in the file, short."""
    try:
        text = json.dumps(value)
    except (ValueError, TypeError, RecursionError):
        text = type(value).__name__
    return _one_line(text, 60)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a non-integer number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _count(value: Any, where: str) -> int:
    """A non-negative integer no larger than MAX_COUNT."""
    if type(value) is int:
        if 0 <= value <= MAX_COUNT:
            return value
        if value < 0:
            raise _Bad(f"{where} is {value}, a negative count")
        digits = str(value)
        shown = digits if len(digits) <= 30 else f"a {len(digits)}-digit number"
        raise _Bad(f"{where} is {shown}, larger than any real count (2^64-1)")
    raise _Bad(f"{where} should be a non-negative integer, got {_type_name(value)} ({_show(value)})")


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{where} should be a string, got {_type_name(value)} ({_show(value)})")
    return value


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{where} should be true or false, got {_type_name(value)} ({_show(value)})")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise _Bad(f"{where} should be a list, got {_type_name(value)} ({_show(value)})")
    return value


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _Bad(f"{where} should be an object, got {_type_name(value)} ({_show(value)})")
    return value


def _required(obj: dict, key: str, where: str, why: str = "") -> Any:
    if key not in obj:
        raise _Bad(f"{where} has no \"{key}\" field{why}")
    return obj[key]


def _optional(obj: dict, key: str, where: str, check: Callable[[Any, str], Any]) -> Any:
    if key not in obj:
        return None
    return check(obj[key], f"{where}.{key}" if where else key)


def _build_profile(obj: Any, name: str) -> Profile:
    if not isinstance(obj, dict):
        raise _Bad(f"not a profile: the file holds {_type_name(obj)}, not a JSON object")
    if "dhatFileVersion" not in obj:
        raise _Bad("not a DHAT or heaphunt profile: no \"dhatFileVersion\" field")
    version = obj["dhatFileVersion"]
    if type(version) is not int or version != SUPPORTED_FILE_VERSION:
        raise _Bad(f"dhatFileVersion is {_show(version)}; only version "
                   f"{SUPPORTED_FILE_VERSION} is supported")
    top = "the top-level object"
    mode = _string(_required(obj, "mode", top), "mode")
    verb = _string(_required(obj, "verb", top), "verb")
    bklt = _boolean(_required(obj, "bklt", top), "bklt")
    bkacc = _boolean(_required(obj, "bkacc", top), "bkacc")
    tu = _string(_required(obj, "tu", top), "tu")
    mtu = _string(_required(obj, "Mtu", top), "Mtu")
    cmd = _string(_required(obj, "cmd", top), "cmd")
    pid = _count(_required(obj, "pid", top), "pid")
    te = _count(_required(obj, "te", top), "te")
    tg = tuth = None
    if bklt:
        why = " (required when bklt is true)"
        tg = _count(_required(obj, "tg", top, why), "tg")
        tuth = _count(_required(obj, "tuth", top, why), "tuth")
    ftbl = _frame_table(_required(obj, "ftbl", top))
    history = _optional(obj, "hhHist", "", _history)
    n_instants = len(history.t) if history else 0
    pps = _list(_required(obj, "pps", top), "pps")
    sites = [_site(pp, i, ftbl, bklt, bkacc, n_instants) for i, pp in enumerate(pps)]

    hh_version = _optional(obj, "hhVersion", "", _string)
    hist_limit = _optional(obj, "hhHistLimit", "", _count)
    copies_enabled = _optional(obj, "hhCopies", "", _boolean)
    totals_obj = _optional(obj, "hhTotals", "", _object)
    if totals_obj is not None:
        totals = _totals(totals_obj)
    else:
        totals = sum_totals(sites)
    copy_sites = None
    if "hhCopySites" in obj:
        raw_copy_sites = _list(obj["hhCopySites"], "hhCopySites")
        copy_sites = [_copy_site(cs, i, ftbl, len(sites)) for i, cs in enumerate(raw_copy_sites)]
    timeline = _optional(obj, "hhTimeline", "", _timeline)
    checkpoints = None
    if "hhCheckpoints" in obj:
        checkpoints = [_checkpoint(c, f"hhCheckpoints[{i}]", n_instants)
                       for i, c in enumerate(_list(obj["hhCheckpoints"], "hhCheckpoints"))]
    reach = bool(_optional(obj, "hhReach", "", _boolean))
    objs = _optional(obj, "hhObjs", "", _objects)
    frame_dirs = _optional(obj, "hhFrameDirs", "", lambda v, w: _frame_dirs(v, w, ftbl))
    num_callers = _optional(obj, "hhNumCallers", "", _count)
    known = {"dhatFileVersion", "mode", "verb", "bklt", "bkacc", "tu", "Mtu", "cmd",
             "pid", "te", "tg", "tuth", "ftbl", "pps", "hhVersion", "hhHistLimit",
             "hhCopies", "hhTotals", "hhCopySites", "hhTimeline", "hhCheckpoints",
             "hhHist", "hhReach", "hhObjs", "hhFrameDirs", "hhNumCallers"}
    extra = {k: v for k, v in obj.items() if k not in known}
    return Profile(
        path=name, version=version, mode=mode, verb=verb, bklt=bklt, bkacc=bkacc,
        tu=tu, mtu=mtu, cmd=cmd, pid=pid, te=te, tg=tg, tuth=tuth, totals=totals,
        totals_from_file=totals_obj is not None, sites=sites, frame_table=ftbl,
        hh_version=hh_version, hist_limit=hist_limit, copies_enabled=copies_enabled,
        copy_sites=copy_sites, timeline=timeline, checkpoints=checkpoints,
        history=history, reach=reach, objs=objs, frame_dirs=frame_dirs,
        num_callers=num_callers, extra_top_level=extra)


def _frame_table(value: Any) -> list[str]:
    ftbl = _list(value, "ftbl")
    if not ftbl:
        raise _Bad("ftbl is empty; it should start with \"[root]\"")
    for i, frame in enumerate(ftbl):
        if not isinstance(frame, str):
            raise _Bad(f"ftbl[{i}] should be a frame string, got {_type_name(frame)} ({_show(frame)})")
    return ftbl


def _frames(value: Any, where: str, ftbl: list[str]) -> list[str]:
    indices = _list(value, where)
    frames = []
    n = len(ftbl)
    for j, index in enumerate(indices):
        if type(index) is not int:
            raise _Bad(f"{where}[{j}] should be a frame index, got {_type_name(index)} ({_show(index)})")
        if not 0 <= index < n:
            raise _Bad(f"{where}[{j}] is frame {index}, but ftbl has only {n} entries (0..{n - 1})")
        frames.append(ftbl[index])
    return frames


# Per-site JSON key -> Site attribute, for every plain count a pp may hold.
_PP_COUNT_ATTRS = {**{k: k for k in (*PP_ALWAYS_KEYS, *PP_BKLT_KEYS, *PP_BKACC_KEYS)},
                   **PP_HH_KEYS}


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


def _site(pp: Any, i: int, ftbl: list[str], bklt: bool, bkacc: bool, n_instants: int) -> Site:
    """One pp.  Written for speed: a 100 MB profile has ~10^5-10^6 of them,
    so the common all-good case does one pass over the pp's items, and the
    error messages are built only when something is wrong."""
    if type(pp) is not dict:
        raise _Bad(f"pps[{i}] should be an object, got {_type_name(pp)} ({_show(pp)})")
    if "fs" not in pp:
        raise _Bad(f"pps[{i}] has no \"fs\" field")
    required = _REQUIRED_PP_KEYS[(bklt, bkacc)]
    if not required <= pp.keys():
        for key, why in _required_pp_key_list(bklt, bkacc):
            if key not in pp:
                raise _Bad(f"pps[{i}] has no \"{key}\" field{why}")
    numbers: dict[str, Any] = {}
    for key, value in pp.items():
        attr = _PP_COUNT_ATTRS.get(key)
        if attr is not None:
            if not _is_count(value):
                _count(value, f"pps[{i}].{key}")  # raises with the reason
            numbers[attr] = value
    frames = _frames(pp["fs"], f"pps[{i}].fs", ftbl)
    deciles = pp.get("hhEndIdleDeciles")
    if deciles is not None or "hhEndIdleDeciles" in pp:
        if not (type(deciles) is list and len(deciles) == END_IDLE_BUCKETS
                and all(_is_count(v) for v in deciles)):
            _deciles(deciles, f"pps[{i}].hhEndIdleDeciles")  # raises
        numbers["end_idle_deciles"] = deciles
    if "acc" in pp:
        numbers["acc_rle"] = _acc(pp["acc"], f"pps[{i}].acc")
    if "hhH" in pp:
        numbers["hist"] = _site_history(pp["hhH"], f"pps[{i}].hhH", n_instants)
    if "hhCut" in pp:
        if pp["hhCut"] is not True:
            raise _Bad(f"pps[{i}].hhCut is {_show(pp['hhCut'])}, expected true (or no hhCut)")
        numbers["cut"] = True
    lost = numbers.get("lost_bytes")
    if lost is not None and lost > (numbers.get("eb") or 0):
        raise _Bad(f"pps[{i}].hhLostB is {lost}, more than the site's eb ({numbers.get('eb') or 0})")
    return Site(index=i, frames=frames, **numbers)


def _required_pp_key_list(bklt: bool, bkacc: bool) -> list[tuple[str, str]]:
    keys = [(k, "") for k in PP_ALWAYS_KEYS]
    if bklt:
        keys += [(k, " (required when bklt is true)") for k in PP_BKLT_KEYS]
    if bkacc:
        keys += [(k, " (required when bkacc is true)") for k in PP_BKACC_KEYS]
    return keys


_REQUIRED_PP_KEYS = {(lt, acc): frozenset(k for k, _ in _required_pp_key_list(lt, acc))
                     for lt in (False, True) for acc in (False, True)}


def _deciles(value: Any, where: str) -> list[int]:
    items = _list(value, where)
    if len(items) != END_IDLE_BUCKETS:
        raise _Bad(f"{where} should have {END_IDLE_BUCKETS} buckets, has {len(items)}")
    return [_count(v, f"{where}[{j}]") for j, v in enumerate(items)]


def _acc(value: Any, where: str) -> list[int]:
    """Check a run-length-encoded histogram without expanding it."""
    rle = _list(value, where)
    entries = 0
    j = 0
    while j < len(rle):
        item = rle[j]
        if type(item) is not int:
            raise _Bad(f"{where}[{j}] should be an integer, got {_type_name(item)} ({_show(item)})")
        if item < 0:
            if j + 1 >= len(rle):
                raise _Bad(f"{where} ends with a repeat count ({item}) and no value after it")
            entries -= item
            j += 1
            item = rle[j]
            if type(item) is not int or item < 0:
                raise _Bad(f"{where}[{j}] should be a count after a repeat, got {_show(item)}")
        else:
            entries += 1
        if item > MAX_ACC_COUNT:
            raise _Bad(f"{where}[{j}] is {item if item < 10**30 else 'huge'}, above the histogram's limit 65535")
        if entries > MAX_ACC_ENTRIES:
            raise _Bad(f"{where} decodes to more than {MAX_ACC_ENTRIES} entries")
        j += 1
    return rle


def _totals(obj: dict) -> Totals:
    values: dict[str, int | None] = {}
    for key in SUMMARY_KEYS:
        values[key] = _count(_required(obj, key, "hhTotals"), f"hhTotals.{key}")
    for key in ("cb", "cbk", "lb", "lbk"):
        values[key] = _optional(obj, key, "hhTotals", _count)
    return Totals(**values)


def sum_totals(sites: list[Site]) -> Totals:
    """Totals recomputed from the sites, for files without hhTotals (DHAT's).
    gb/gbk add up exactly: each site's gb is its bytes at the global peak."""
    totals = Totals()
    for key in SUMMARY_KEYS:
        setattr(totals, key, sum(getattr(s, key) or 0 for s in sites))
    return totals


def _pairs(value: Any, where: str, n_sites: int) -> list[tuple[int, int]]:
    out = []
    for j, pair in enumerate(_list(value, where)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Bad(f"{where}[{j}] should be a [pp_index, bytes] pair, got {_show(pair)}")
        index, nbytes = pair
        if type(index) is not int or not -1 <= index < n_sites:
            raise _Bad(f"{where}[{j}] names site {_show(index)}, but there are "
                       f"{n_sites} sites (-1 = not a heap block)")
        out.append((index, _count(nbytes, f"{where}[{j}][1]")))
    return out


def _copy_site(cs: Any, i: int, ftbl: list[str], n_sites: int) -> CopySite:
    where = f"hhCopySites[{i}]"
    obj = _object(cs, where)
    frames = _frames(_required(obj, "fs", where), f"{where}.fs", ftbl)
    cb = _count(_required(obj, "cb", where), f"{where}.cb")
    cbk = _count(_required(obj, "cbk", where), f"{where}.cbk")
    src = _pairs(obj.get("src", []), f"{where}.src", n_sites)
    dst = _pairs(obj.get("dst", []), f"{where}.dst", n_sites)
    return CopySite(index=i, frames=frames, cb=cb, cbk=cbk, src=src, dst=dst)


def _timeline(value: Any, where: str) -> Timeline:
    obj = _object(value, where)
    series = {}
    for key in ("t", "b", "bk"):
        items = _list(_required(obj, key, where), f"{where}.{key}")
        series[key] = [_count(v, f"{where}.{key}[{j}]") for j, v in enumerate(items)]
    if not len(series["t"]) == len(series["b"]) == len(series["bk"]):
        raise _Bad(f"{where}: t, b and bk have different lengths "
                   f"({len(series['t'])}, {len(series['b'])}, {len(series['bk'])})")
    t = series["t"]
    for j in range(1, len(t)):
        if t[j] <= t[j - 1]:
            raise _Bad(f"{where}.t is not strictly increasing at index {j} ({t[j - 1]} then {t[j]})")
    return Timeline(t=t, b=series["b"], bk=series["bk"])


def _checkpoint(value: Any, where: str, n_instants: int) -> Checkpoint:
    obj = _object(value, where)
    hi = _optional(obj, "hi", where, _count)
    if hi is not None and hi >= n_instants:
        raise _Bad(f"{where}.hi is {hi}, but hhHist has {n_instants} instants")
    return Checkpoint(
        name=_string(_required(obj, "name", where), f"{where}.name"),
        t=_count(_required(obj, "t", where), f"{where}.t"),
        b=_count(_required(obj, "b", where), f"{where}.b"),
        bk=_count(_required(obj, "bk", where), f"{where}.bk"),
        hi=hi)


def _history(value: Any, where: str) -> History:
    obj = _object(value, where)
    items = _list(_required(obj, "t", where), f"{where}.t")
    t = [_count(v, f"{where}.t[{j}]") for j, v in enumerate(items)]
    for j in range(1, len(t)):
        if t[j] <= t[j - 1]:
            raise _Bad(f"{where}.t is not strictly increasing at index {j} ({t[j - 1]} then {t[j]})")
    kinds = _string(_required(obj, "k", where), f"{where}.k")
    if len(kinds) != len(t):
        raise _Bad(f"{where}.k has {len(kinds)} characters for {len(t)} instants")
    bad = next((c for c in kinds if c not in HIST_INSTANT_KINDS), None)
    if bad is not None:
        raise _Bad(f"{where}.k has {bad!r}; instants are one of {', '.join(HIST_INSTANT_KINDS)}")
    g = obj.get("g")
    if g is not None:
        g = _count(g, f"{where}.g")
        if g >= len(t):
            raise _Bad(f"{where}.g is {g}, but there are {len(t)} instants")
    return History(t=t, kinds=kinds, g=g)


def _site_history(value: Any, where: str, n_instants: int) -> list[int]:
    flat = _list(value, where)
    if len(flat) % 3:
        raise _Bad(f"{where} has {len(flat)} numbers; it is (instant, bytes, blocks) triples")
    previous = -1
    for j in range(0, len(flat), 3):
        index, nbytes, nblocks = flat[j], flat[j + 1], flat[j + 2]
        if not (_is_count(index) and _is_count(nbytes) and _is_count(nblocks)):
            for k in range(3):
                _count(flat[j + k], f"{where}[{j + k}]")  # raises with the reason
        if index <= previous or index >= n_instants:
            raise _Bad(f"{where}[{j}] is instant {index}: instants must increase and be below "
                       f"{n_instants} (hhHist's count)")
        previous = index
    return flat


def _frame_dirs(value: Any, where: str, ftbl: list[str]) -> dict[str, str]:
    """hhFrameDirs as {frame string: its source file's directory}."""
    obj = _object(value, where)
    dirs = _list(_required(obj, "d", where), f"{where}.d")
    for j, d in enumerate(dirs):
        _string(d, f"{where}.d[{j}]")
    per_frame = _list(_required(obj, "f", where), f"{where}.f")
    if len(per_frame) != len(ftbl):
        raise _Bad(f"{where}.f has {len(per_frame)} entries, but ftbl has {len(ftbl)}")
    out = {}
    for j, d in enumerate(per_frame):
        if d is None:
            continue
        if type(d) is not int or not 0 <= d < len(dirs):
            raise _Bad(f"{where}.f[{j}] is {_show(d)}, expected null or a number below "
                       f"{len(dirs)} ({where}.d's length)")
        out[ftbl[j]] = dirs[d]
    return out


def _objects(value: Any, where: str) -> list[tuple[str, int]]:
    out = []
    for j, pair in enumerate(_list(value, where)):
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            raise _Bad(f"{where}[{j}] should be a [path, load_base] pair, got {_show(pair)}")
        out.append((pair[0], _count(pair[1], f"{where}[{j}][1]")))
    return out
