"""heaphunt.load: hand-made profiles of every mode load into the numbers
written in them (see hh_handmade.py for the derivations)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import heaphunt
import hh_handmade as hm
from heaphunt.profile import (decode_acc, encode_acc, frame_function, frame_key,
                              frame_language, frame_location)


def test_load_handmade_totals(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.handmade(), tmp_path / "p.json"))
    for key, value in hm.EXPECTED_TOTALS.items():
        assert p.totals.get(key) == value, key
    assert p.totals_from_file
    assert (p.mode, p.te, p.tg, p.tuth, p.pid) == ("heap", 1_000_000, 400_000, 500, 4242)
    assert p.hh_version == "0.1.0" and p.hist_limit == 1024 and p.copies_enabled is True


def test_load_handmade_sites(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.handmade(), tmp_path / "p.json"))
    assert [s.name for s in p.sites] == [
        "make_event (leaky.c:42)", "read_input (io.c:10)", "scratch (util.c:5)",
        "fill_table (table.c:20)"]
    s0 = p.sites[0]
    assert s0.frames == ["0x401000: make_event (leaky.c:42)", "0x402000: main (leaky.c:80)"]
    assert (s0.tb, s0.tbk, s0.eb, s0.gb, s0.idle_instrs) == (
        12_000_000, 1_000, 12_000_000, 6_000_000, 540_000_000)
    assert s0.end_idle_deciles == [11_640_000, 0, 0, 0, 0, 0, 0, 0, 360_000, 0]
    assert p.sites[1].copy_in_bytes == 500_000 and p.sites[3].copy_out_bytes == 3_000_000
    assert s0.get("hhIdleI") == 540_000_000 and s0.get("tb") == 12_000_000


def test_acc_is_decoded(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.handmade(), tmp_path / "p.json"))
    assert p.sites[2].acc == [2] * 16 + [3, 3, 3, 1] + [0] * 44
    assert p.sites[0].acc is None


def test_acc_encoding_round_trips() -> None:
    values = [2] * 16 + [3, 3, 3, 1] + [0] * 44
    assert encode_acc(values) == [-16, 2, 3, 3, 3, 1, -44, 0]
    assert decode_acc(encode_acc(values)) == values


def test_copy_sites_timeline_checkpoints(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.handmade(), tmp_path / "p.json"))
    assert [(c.name, c.cb, c.cbk, c.src, c.dst) for c in p.copy_sites] == [
        ("copy_rows (table.c:30)", 3_000_000, 30, [(3, 3_000_000)], [(-1, 3_000_000)]),
        ("load_rows (io.c:50)", 500_000, 5, [(-1, 500_000)], [(1, 500_000)])]
    assert p.timeline.t == [0, 400_000, 1_000_000]
    assert p.timeline.b == [0, 10_000_000, 12_000_000]
    assert [(c.name, c.t, c.b, c.bk) for c in p.checkpoints] == [
        ("after-startup", 100_000, 1_000_000, 80)]


def test_plain_dhat_file_totals_are_summed(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.as_plain_dhat(hm.handmade()), tmp_path / "d.json"))
    assert not p.totals_from_file and not p.is_heaphunt
    for key in ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"):
        assert p.totals.get(key) == hm.EXPECTED_TOTALS[key], key
    assert p.totals.cb is None
    # malloc's preload frame is skipped when naming the site.
    assert p.sites[0].frames[0].startswith("0x483877F: malloc")
    assert p.sites[0].name == "make_event (leaky.c:42)"
    assert p.sites[0].copy_in_bytes is None and p.copy_sites is None


def test_copy_mode_file_loads(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.copy_mode(), tmp_path / "c.json"))
    assert p.mode == "copy" and not p.bklt and p.tg is None
    assert (p.totals.tb, p.totals.tbk) == (340, 7)
    assert p.sites[1].eb is None and p.sites[1].rb is None


def test_ad_hoc_mode_file_loads(tmp_path: Path) -> None:
    p = heaphunt.load(hm.write(hm.ad_hoc_mode(), tmp_path / "a.json"))
    assert p.mode == "ad-hoc" and p.totals.tb == 10 and p.extra_top_level["bu"] == "unit"


def test_frame_helpers() -> None:
    assert frame_function("0x10A0: alloc_plain() (new_delete.cpp:20)") == "alloc_plain"
    assert frame_function("0x10A0: ns::Foo::make(int) (x.cpp:2)") == "ns::Foo::make"
    assert frame_location("0x10A0: f (x.c:2)") == "x.c:2"
    assert frame_location("0x4A: ??? (in /lib/libc.so.6)") == "in /lib/libc.so.6"
    assert frame_key("0x10A0: f (x.c:2)") == "f (x.c:2)"
    # No line info: the address is what tells two frames apart.
    assert frame_key("0x4A: ??? (in /lib/libc.so.6)") == "0x4A: ??? (in /lib/libc.so.6)"
    assert frame_function("[root]") == "[root]"


def test_interpreted_frame_helpers() -> None:
    """docs/json-format.md: "0x0: FUNCTION [LANG] (FILE:LINE)"; Ruby labels
    hold parentheses, which are part of the function."""
    ruby_block = "0x0: block (2 levels) in run [ruby] (/src/app.rb:3)"
    assert frame_function(ruby_block) == "block (2 levels) in run"
    assert frame_language(ruby_block) == "ruby"
    assert frame_location(ruby_block) == "/src/app.rb:3"
    assert frame_key(ruby_block) == "block (2 levels) in run [ruby] (/src/app.rb:3)"
    assert frame_function("0x0: * [ruby] (<cfunc>)") == "*"
    python = "0x0: Request.__init__ [python] (/src/bus.py:52)"
    assert (frame_function(python), frame_language(python)) == ("Request.__init__", "python")
    assert frame_language("0x10A0: alloc_plain() (new_delete.cpp:20)") == ""
    assert frame_language("[root]") == ""


def test_large_profile_loads_in_reasonable_time(tmp_path: Path) -> None:
    """~28 MB, 60,000 sites: one json.loads plus checks, about 1.5 s of CPU
    on an idle 2-core machine (CPU time, not wall time, so that a busy
    machine does not make the test flaky)."""
    doc = hm.handmade()
    n_sites = 60_000
    doc["ftbl"] = ["[root]"] + [f"0x{i + 0x1000:X}: fn_{i} (big.c:{i})" for i in range(n_sites)]
    template = dict(doc["pps"][2])
    doc["pps"] = [dict(template, fs=[i + 1]) for i in range(n_sites)]
    del doc["hhCopySites"]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size > 20_000_000
    start = time.process_time()
    p = heaphunt.load(path)
    elapsed = time.process_time() - start
    assert len(p.sites) == n_sites
    assert elapsed < 15, f"loading took {elapsed:.1f} s of CPU"
