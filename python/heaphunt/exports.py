"""Exports to other tools' formats: pprof, collapsed stacks, speedscope.

`heaphunt export --format=pprof|collapsed|speedscope` turns a profile
(heaphunt's or DHAT's, any mode) into a file that another tool opens:

- pprof: a gzipped profile.proto (`go tool pprof`), one sample type per
  metric the file records, one sample per site and per copy site;
- collapsed: the folded stacks of flame-graph tools, `root;...;leaf N` per
  line, for one metric;
- speedscope: speedscope's JSON file format, one profile per metric.

All three are made from one table (`export_table`): the metrics the file
records (`ExportMetric`, in a fixed order) and one `Stack` per site and per
copy site (its frames, innermost first, and one value per metric).  How a
frame is named is decided in one place, `export_frame`.

The viewer (viewer/js/export.js) writes the very same bytes from the same
profile, so every choice here has a twin there: the order of the table, of
pprof's strings, locations and functions, the JSON's spacing and escaping.
The one exception is the gzip around pprof's protobuf: both compress it,
with compressors whose bytes differ (zlib here, the browser's
CompressionStream there), so for pprof the protobufs inside are what is
equal.  tests/test_exports.py compares them.

Pure functions from a Profile to bytes; nothing here prints or writes.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import json
import re

from .profile import Profile, frame_name, is_preload_frame
from .writer import ExportError

NO_FRAMES = "[no frames]"

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"


# --------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ExportMetric:
    key: str            # the file's JSON key: tb, gb, ... (cb, cbk: copy sites')
    name: str           # its name for --metric, as `heaphunt report --sort` names it
    label: str          # speedscope's profile name
    pprof_type: str     # pprof's sample type
    unit: str           # "bytes" or "count"
    from_copy_sites: bool = False   # values of copy stacks (hhCopySites), not of sites

    @property
    def is_bytes(self) -> bool:
        return self.unit == "bytes"


TOTAL_METRICS = (
    ExportMetric("tb", "total-bytes", "total bytes", "alloc_space", "bytes"),
    ExportMetric("tbk", "total-blocks", "total blocks", "alloc_objects", "count"),
)
LIFETIME_METRICS = (
    ExportMetric("gb", "gmax-bytes", "bytes at t-gmax", "inuse_space", "bytes"),
    ExportMetric("gbk", "gmax-blocks", "blocks at t-gmax", "inuse_objects", "count"),
    ExportMetric("eb", "end-bytes", "bytes at t-end", "end_space", "bytes"),
    ExportMetric("ebk", "end-blocks", "blocks at t-end", "end_objects", "count"),
)
ACCESS_METRICS = (
    ExportMetric("rb", "reads", "bytes read", "read_bytes", "bytes"),
    ExportMetric("wb", "writes", "bytes written", "written_bytes", "bytes"),
)
COPY_SITE_METRICS = (
    ExportMetric("cb", "copied-bytes", "bytes copied", "copied_bytes", "bytes", True),
    ExportMetric("cbk", "copy-calls", "copy calls", "copy_calls", "count", True),
)
# DHAT's --mode=copy files: a site is a copying call stack, tb its bytes.
COPY_MODE_METRICS = (
    ExportMetric("tb", "copied-bytes", "bytes copied", "copied_bytes", "bytes"),
    ExportMetric("tbk", "copy-calls", "copy calls", "copy_calls", "count"),
)
# DHAT's --mode=ad-hoc files: tb counts the program's units, tbk its events.
AD_HOC_METRICS = (
    ExportMetric("tb", "units", "units", "units", "count"),
    ExportMetric("tbk", "events", "events", "events", "count"),
)

# What a heap-profile user expects to see first: what was in use at the
# peak.  Collapsed stacks hold one metric, by default the total allocated.
DEFAULT_KEY = "gb"
DEFAULT_COLLAPSED_KEY = "tb"


def export_metrics(p: Profile) -> tuple[ExportMetric, ...]:
    """The metrics the file records, in export order."""
    if p.mode == "copy":
        return COPY_MODE_METRICS
    if p.mode == "ad-hoc":
        return AD_HOC_METRICS
    metrics = TOTAL_METRICS
    if p.bklt:
        metrics += LIFETIME_METRICS
    if p.bkacc:
        metrics += ACCESS_METRICS
    if p.copy_sites is not None:
        metrics += COPY_SITE_METRICS
    return metrics


def find_export_metric(metrics: tuple[ExportMetric, ...], text: str) -> int | None:
    """The index of the metric named by its JSON key or its name."""
    for i, m in enumerate(metrics):
        if text in (m.key, m.name):
            return i
    return None


def default_metric(metrics: tuple[ExportMetric, ...], key: str = DEFAULT_KEY) -> int:
    found = find_export_metric(metrics, key)
    return 0 if found is None else found


def metric_choices(metrics: tuple[ExportMetric, ...]) -> str:
    return ", ".join(f"{m.name} ({m.key})" for m in metrics)


# --------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ExportFrame:
    name: str        # as `heaphunt report` shows the frame: "log_event (leaky.c:95)"
    function: str    # pprof's function name: "log_event"
    file: str        # source file, or the object for a frame without line info
    line: int        # 0 when unknown
    address: int     # code address; 0 for interpreted frames and unknown ones
    interpreted: bool = False


# The shapes of docs/json-format.md's frame strings.  [\s\S] and [0-9] (not
# "." and \d) so that JavaScript's regular expressions read them alike.
_NATIVE_FRAME_RE = re.compile(
    r"0x(?P<addr>[0-9A-Fa-f]+): (?P<fn>[\s\S]*?) \((?P<in>in )?(?P<where>[^()]*)\)")
_INTERPRETED_FRAME_RE = re.compile(
    r"0x0+: (?P<fn>[\s\S]*?) \[(?:ruby|python)\] \((?P<where>[^()]*)\)")
_FILE_LINE_RE = re.compile(r"(?P<file>[\s\S]*):(?P<line>[0-9]{1,9})")
_ADDRESS_RE = re.compile(r"0x(?P<addr>[0-9A-Fa-f]+): ")
# Larger "addresses" (hand-made or corrupt files) are not code addresses; a
# 48-bit bound also keeps them exact in JavaScript's numbers.
_MAX_ADDRESS_DIGITS = 12


def _address(hex_digits: str) -> int:
    return int(hex_digits, 16) if len(hex_digits) <= _MAX_ADDRESS_DIGITS else 0


def _file_and_line(where: str) -> tuple[str, int]:
    m = _FILE_LINE_RE.fullmatch(where)
    return (m.group("file"), int(m.group("line"))) if m else (where, 0)


# A frame string recurs in many stacks; parse each once.
@functools.lru_cache(maxsize=1 << 18)
def export_frame(frame: str) -> ExportFrame:
    """How every export names and places a frame string.  The name is the
    report's (frame_name); an unsymbolised function ("???") is named with
    its object, so that two libraries' unknown code stays apart."""
    name = frame_name(frame)
    m = _INTERPRETED_FRAME_RE.fullmatch(frame)
    if m:
        file, line = _file_and_line(m.group("where"))
        return ExportFrame(name, m.group("fn"), file, line, 0, interpreted=True)
    m = _NATIVE_FRAME_RE.fullmatch(frame)
    if m:
        if m.group("in"):
            file, line = m.group("where"), 0
        else:
            file, line = _file_and_line(m.group("where"))
        function = name if m.group("fn") == "???" else m.group("fn")
        return ExportFrame(name, function, file, line, _address(m.group("addr")))
    m = _ADDRESS_RE.match(frame)
    return ExportFrame(name, name, "", 0, _address(m.group("addr")) if m else 0)


# --------------------------------------------------------------------------
# The table every format is made from
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Stack:
    frames: tuple[str, ...]     # frame strings, innermost first; never empty
    values: tuple[int, ...]     # one per metric of the table


@dataclasses.dataclass(frozen=True)
class ExportTable:
    metrics: tuple[ExportMetric, ...]
    stacks: list[Stack]         # the sites in file order, then the copy sites
    cmd: str
    pid: int


def _user_frames(frames: list[str]) -> tuple[str, ...]:
    kept = tuple([f for f in frames if not is_preload_frame(f)])
    return kept or (NO_FRAMES,)


def export_table(p: Profile) -> ExportTable:
    metrics = export_metrics(p)
    stacks = []
    for site in p.sites:
        values = tuple(0 if m.from_copy_sites else (getattr(site, m.key) or 0) for m in metrics)
        stacks.append(Stack(_user_frames(site.frames), values))
    for cs in p.copy_sites or []:
        values = tuple(getattr(cs, m.key) if m.from_copy_sites else 0 for m in metrics)
        stacks.append(Stack(_user_frames(cs.frames), values))
    return ExportTable(metrics, stacks, p.cmd, p.pid)


def metric_total(table: ExportTable, index: int) -> int:
    return sum(s.values[index] for s in table.stacks)


# --------------------------------------------------------------------------
# Text that the three formats share
# --------------------------------------------------------------------------

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _utf8(text: str) -> bytes:
    """UTF-8, with any lone surrogate (a JSON "\\ud800") as U+FFFD, as a
    browser's TextEncoder writes it."""
    return _SURROGATE_RE.sub("\ufffd", text).encode("utf-8")


def _json(doc: object) -> bytes:
    """Compact JSON, non-ASCII as \\u escapes: what export.js writes too."""
    return (json.dumps(doc, separators=(",", ":")) + "\n").encode("ascii")


# --------------------------------------------------------------------------
# pprof (profile.proto, gzipped)
# --------------------------------------------------------------------------

# Field numbers of google/pprof's proto/profile.proto.
PROFILE_SAMPLE_TYPE, PROFILE_SAMPLE, PROFILE_MAPPING, PROFILE_LOCATION = 1, 2, 3, 4
PROFILE_FUNCTION, PROFILE_STRING_TABLE, PROFILE_COMMENT, PROFILE_DEFAULT_SAMPLE_TYPE = 5, 6, 13, 14
VALUE_TYPE_TYPE, VALUE_TYPE_UNIT = 1, 2
SAMPLE_LOCATION_ID, SAMPLE_VALUE = 1, 2
MAPPING_ID, MAPPING_HAS_FUNCTIONS, MAPPING_HAS_FILENAMES = 1, 7, 8
MAPPING_HAS_LINE_NUMBERS, MAPPING_HAS_INLINE_FRAMES = 9, 10
LOCATION_ID, LOCATION_MAPPING_ID, LOCATION_ADDRESS, LOCATION_LINE = 1, 2, 3, 4
LINE_FUNCTION_ID, LINE_LINE = 1, 2
FUNCTION_ID, FUNCTION_NAME, FUNCTION_SYSTEM_NAME, FUNCTION_FILENAME = 1, 2, 3, 4

_WIRE_VARINT, _WIRE_BYTES = 0, 2

# Every location belongs to one mapping that says its functions, files,
# lines and inlined frames are known already: pprof then never tries to
# symbolize the addresses with binaries of the machine it runs on.
SYMBOLIZED_MAPPING_ID = 1


def _varint(out: bytearray, n: int) -> None:
    if n < 0x80:
        out.append(n)
        return
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _field_varint(out: bytearray, field: int, n: int) -> None:
    """A scalar field; zero is proto3's default and is left out."""
    if n:
        _varint(out, field << 3 | _WIRE_VARINT)
        _varint(out, n)


def _field_bytes(out: bytearray, field: int, data: bytes) -> None:
    _varint(out, field << 3 | _WIRE_BYTES)
    _varint(out, len(data))
    out += data


def _field_packed(out: bytearray, field: int, numbers: list[int] | tuple[int, ...]) -> None:
    if numbers:
        packed = bytearray()
        for n in numbers:
            _varint(packed, n)
        _field_bytes(out, field, packed)


class _Strings:
    """pprof's string table: index 0 is "", then strings in first-use order."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found


def location_runs(frames: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Group a stack's frames into pprof locations.  Valgrind lists the
    functions inlined at one code address as consecutive frames with that
    address (innermost first); they become one location with one Line each.
    A frame that repeats within a run is recursion, not inlining, and starts
    a new location; interpreted frames and frames without an address are
    each a location of their own."""
    runs: list[list[str]] = []
    run_address = 0
    for frame in frames:
        address = _inline_address(frame)
        if address and address == run_address and frame not in runs[-1]:
            runs[-1].append(frame)
        else:
            runs.append([frame])
            run_address = address
    return [tuple(r) for r in runs]


@functools.lru_cache(maxsize=1 << 18)
def _inline_address(frame: str) -> int:
    """The address by which consecutive frames group into one location; 0:
    the frame is a location of its own."""
    f = export_frame(frame)
    return 0 if f.interpreted else f.address


def pprof_proto(table: ExportTable, default_index: int) -> bytes:
    """The uncompressed profile.proto message."""
    strings = _Strings()
    out = bytearray()
    for m in table.metrics:
        value_type = bytearray()
        _field_varint(value_type, VALUE_TYPE_TYPE, strings(m.pprof_type))
        _field_varint(value_type, VALUE_TYPE_UNIT, strings(m.unit))
        _field_bytes(out, PROFILE_SAMPLE_TYPE, value_type)

    mapping = bytearray()
    _field_varint(mapping, MAPPING_ID, SYMBOLIZED_MAPPING_ID)
    for field in (MAPPING_HAS_FUNCTIONS, MAPPING_HAS_FILENAMES, MAPPING_HAS_LINE_NUMBERS,
                  MAPPING_HAS_INLINE_FRAMES):
        _field_varint(mapping, field, 1)

    location_ids: dict[tuple[str, ...], int] = {}
    locations = bytearray()
    function_ids: dict[tuple[str, str], int] = {}
    functions = bytearray()

    def function_id(f: ExportFrame) -> int:
        key = (f.function, f.file)
        found = function_ids.get(key)
        if found is None:
            found = function_ids[key] = len(function_ids) + 1
            fn = bytearray()
            _field_varint(fn, FUNCTION_ID, found)
            _field_varint(fn, FUNCTION_NAME, strings(f.function))
            _field_varint(fn, FUNCTION_SYSTEM_NAME, strings(f.function))
            _field_varint(fn, FUNCTION_FILENAME, strings(f.file))
            _field_bytes(functions, PROFILE_FUNCTION, fn)
        return found

    def location_id(run: tuple[str, ...]) -> int:
        found = location_ids.get(run)
        if found is None:
            found = location_ids[run] = len(location_ids) + 1
            frames = [export_frame(frame) for frame in run]
            loc = bytearray()
            _field_varint(loc, LOCATION_ID, found)
            _field_varint(loc, LOCATION_MAPPING_ID, SYMBOLIZED_MAPPING_ID)
            _field_varint(loc, LOCATION_ADDRESS, 0 if frames[0].interpreted else frames[0].address)
            for f in frames:
                line = bytearray()
                _field_varint(line, LINE_FUNCTION_ID, function_id(f))
                _field_varint(line, LINE_LINE, f.line)
                _field_bytes(loc, LOCATION_LINE, line)
            _field_bytes(locations, PROFILE_LOCATION, loc)
        return found

    for stack in table.stacks:
        sample = bytearray()
        _field_packed(sample, SAMPLE_LOCATION_ID,
                      [location_id(run) for run in location_runs(stack.frames)])
        _field_packed(sample, SAMPLE_VALUE, stack.values)
        _field_bytes(out, PROFILE_SAMPLE, sample)
    _field_bytes(out, PROFILE_MAPPING, mapping)
    out += locations
    out += functions

    comments = [strings(text) for text in pprof_comments(table)]
    default_type = strings(table.metrics[default_index].pprof_type)
    for text in strings.index:
        _field_bytes(out, PROFILE_STRING_TABLE, _utf8(text))
    _field_packed(out, PROFILE_COMMENT, comments)
    _field_varint(out, PROFILE_DEFAULT_SAMPLE_TYPE, default_type)
    return bytes(out)


def pprof_comments(table: ExportTable) -> list[str]:
    """What `go tool pprof -comments` prints: the program, and what the
    sample types that pprof users may misread mean here."""
    lines = [f"heaphunt export of: {table.cmd} (pid {table.pid})"]
    if find_export_metric(table.metrics, "gb") is not None:
        lines.append("inuse_space, inuse_objects: live at the global peak (t-gmax);"
                     " end_space, end_objects: live at exit (t-end)")
    return lines


def pprof_bytes(table: ExportTable, default_index: int) -> bytes:
    # mtime 0: the same profile always gives the same file.
    return gzip.compress(pprof_proto(table, default_index), compresslevel=9, mtime=0)


# --------------------------------------------------------------------------
# Collapsed stacks
# --------------------------------------------------------------------------

def collapsed_name(frame: str) -> str:
    """A frame's name in a folded line: ";" separates frames and a line
    ends the stack, so neither may occur in a name."""
    return (export_frame(frame).name.replace(";", ":")
            .replace("\r", " ").replace("\n", " "))


def collapsed_bytes(table: ExportTable, index: int) -> bytes:
    """`root;...;leaf N` per stack with a non-zero value; stacks that read
    the same are added together, in order of first appearance."""
    totals: dict[str, int] = {}
    for stack in table.stacks:
        value = stack.values[index]
        if value:
            key = ";".join(collapsed_name(f) for f in reversed(stack.frames))
            totals[key] = totals.get(key, 0) + value
    return _utf8("".join(f"{key} {value}\n" for key, value in totals.items()))


# --------------------------------------------------------------------------
# speedscope
# --------------------------------------------------------------------------

def speedscope_doc(table: ExportTable, active_index: int) -> dict:
    """speedscope's file format: shared frames, then one "sampled" profile
    per metric whose samples are the stacks (root first) with a non-zero
    value, weighted by it."""
    frame_index: dict[str, int] = {}
    frames: list[dict] = []
    stacks: list[list[int]] = []
    for stack in table.stacks:
        indices = []
        for frame in reversed(stack.frames):
            f = export_frame(frame)
            found = frame_index.get(f.name)
            if found is None:
                found = frame_index[f.name] = len(frames)
                entry: dict = {"name": f.name}
                if f.file:
                    entry["file"] = f.file
                if f.line:
                    entry["line"] = f.line
                frames.append(entry)
            indices.append(found)
        stacks.append(indices)
    profiles = []
    for i, m in enumerate(table.metrics):
        samples = []
        weights = []
        for stack, indices in zip(table.stacks, stacks):
            if stack.values[i]:
                samples.append(indices)
                weights.append(stack.values[i])
        profiles.append({
            "type": "sampled", "name": m.label, "unit": "bytes" if m.is_bytes else "none",
            "startValue": 0, "endValue": sum(weights), "samples": samples, "weights": weights,
        })
    return {
        "$schema": SPEEDSCOPE_SCHEMA, "name": table.cmd, "exporter": "heaphunt",
        "activeProfileIndex": active_index, "shared": {"frames": frames}, "profiles": profiles,
    }


def speedscope_bytes(table: ExportTable, active_index: int) -> bytes:
    return _json(speedscope_doc(table, active_index))


# --------------------------------------------------------------------------
# One entry for the command
# --------------------------------------------------------------------------

FORMATS = ("pprof", "collapsed", "speedscope")


def export_bytes(p: Profile, fmt: str, metric: str | None = None) -> tuple[bytes, ExportTable, int]:
    """The file for `--format=fmt`, the table it was made from and the index
    of the chosen metric (pprof's default sample type, speedscope's first
    profile, the collapsed stacks' only metric).  ExportError names the
    metrics the profile has when `metric` is not one of them."""
    table = export_table(p)
    if metric is None:
        index = default_metric(table.metrics,
                               DEFAULT_COLLAPSED_KEY if fmt == "collapsed" else DEFAULT_KEY)
    else:
        found = find_export_metric(table.metrics, metric)
        if found is None:
            raise ExportError(f"--metric {metric}: {p.path} has no such metric; it has "
                              f"{metric_choices(table.metrics)}")
        index = found
    if fmt == "pprof":
        return pprof_bytes(table, index), table, index
    if fmt == "collapsed":
        return collapsed_bytes(table, index), table, index
    if fmt == "speedscope":
        return speedscope_bytes(table, index), table, index
    raise ExportError(f"--format {fmt}: unknown; one of {', '.join(FORMATS)}")
