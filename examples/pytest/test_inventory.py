"""test_inventory.py: exact heap counts of a C program, asserted from pytest.

Each test compiles nothing itself: the session fixture `inventory` builds
inventory.c once.  The `heaphunt` fixture (heaphunt.pytest_plugin) runs it
under heaphunt in a fresh empty directory with a fixed environment and
returns the loaded profile; assert_totals and assert_site compare numbers
and, on a mismatch, say expected vs got and which sites hold the bytes.

The expected numbers are derived by hand in inventory.c's header:
`inventory N` allocates 120N + 256 bytes in 2N + 2 blocks, and keeps 256
bytes in 1 block (its price table) live at exit.

Run from the top of heaphunt's source tree (after building it):

    /usr/bin/python3 -m pytest examples/pytest

The fixture's parameter is named `heaphunt`, so the package is imported
here as `hh` to keep both usable in one test.
"""

import subprocess
from pathlib import Path

import pytest

import heaphunt as hh
from heaphunt import assert_site, assert_totals

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def inventory(tmp_path_factory) -> Path:
    """inventory.c compiled once per session, at -O0 so that every malloc
    and free written in it is a call."""
    exe = tmp_path_factory.mktemp("bin") / "inventory"
    subprocess.run(["gcc", "-std=gnu11", "-O0", "-g", "-o", str(exe), str(HERE / "inventory.c")],
                   check=True)
    return exe


def test_totals_for_ten_items(heaphunt, inventory):
    profile = heaphunt([inventory, "10"])
    assert_totals(profile,
                  bytes=1456, blocks=22,            # 120 x 10 + 256, 2 x 10 + 2
                  gmax_bytes=880, gmax_blocks=13,   # 56 x 10 + 320, 10 + 3
                  end_bytes=256, end_blocks=1)      # the price table


@pytest.mark.parametrize("items", [1, 10, 100])
def test_totals_scale_with_items(heaphunt, inventory, items):
    profile = heaphunt([inventory, str(items)])
    assert_totals(profile, bytes=120 * items + 256, blocks=2 * items + 2,
                  end_bytes=256, end_blocks=1)


def test_sites_by_function(heaphunt, inventory):
    profile = heaphunt([inventory, "10"])
    # Sites are named by the first function in their stack (the allocator's
    # own frames are not part of a site).
    assert_site(profile, "make_item", blocks=10, bytes=480, max_blocks=10, end_bytes=0)
    # One line buffer at a time: the site never holds more than one block.
    assert_site(profile, "format_line", blocks=10, bytes=640, max_blocks=1, max_bytes=64,
                end_bytes=0)
    assert_site(profile, "load_items", blocks=1, bytes=80, end_bytes=0)
    assert_site(profile, "price_table_init", blocks=1, bytes=256, end_bytes=256, end_blocks=1)
    assert len(profile.sites) == 4


@pytest.mark.heaphunt_options("--accesses=no")
def test_marker_passes_options(heaphunt, inventory):
    """--accesses=no: heap totals only, much faster; no reads or writes."""
    profile = heaphunt([inventory, "10"])
    assert_totals(profile, bytes=1456, blocks=22, end_bytes=256, reads=0, writes=0)


def test_run_without_the_fixture(tmp_path, inventory):
    """heaphunt.run is what the fixture calls; use it directly outside
    pytest, or for the program's output and exit status."""
    result = hh.run([str(inventory), "3"], env=hh.fixed_env(), cwd=tmp_path)
    assert result.returncode == 0
    # 1 x 100 + 2 x 125 + 3 x 150 cents
    assert result.stdout.splitlines()[-1] == "stock value (cents): 800"
    assert_totals(result.profile, bytes=120 * 3 + 256, blocks=2 * 3 + 2)


def test_failure_message(heaphunt, inventory):
    """The deliberately wrong assertion shown in README.md, and the message
    it fails with: each mismatching number as expected vs got, then the
    matching sites."""
    profile = heaphunt([inventory, "10"])
    with pytest.raises(AssertionError) as failure:
        assert_site(profile, "make_item", blocks=10, bytes=400)   # wrong: 10 x 48 = 480
    message = str(failure.value)
    assert "total bytes (bytes): expected 400, got 480" in message
    assert "make_item (inventory.c:" in message
