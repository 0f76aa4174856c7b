"""Heap limits on code that runs inside the pytest process: a C library
loaded with ctypes (records.c, whose header derives every count).

Run pytest itself under heaphunt for the limits to be checked:

    cc -shared -fPIC -g -O0 -o librecords.so records.c
    valgrind --tool=heaphunt -q --heaphunt-out-file=pytest.%p.json \
        python3 -m pytest --heaphunt-default-limit max_end_bytes=0

The tests marked xfail are over their limits on purpose: each shows a
failure (pytest --runxfail prints its message).  Natively every limit is
unchecked and the xfail tests would pass, so they are not strict there.
"""

import pytest

from heaphunt import client

UNDER_HEAPHUNT = client.running()
demonstration = pytest.mark.xfail(UNDER_HEAPHUNT, strict=True,
                                  reason="over its heaphunt limit on purpose")


# One record of 100 bytes, freed: 1 block, 100 bytes, nothing left live.
@pytest.mark.heaphunt_limit(max_blocks=1, max_bytes=100, max_end_bytes=0)
def test_record_round_trip(records):
    r = records.record_new(100)
    records.record_free(r)


# Three records of 100 bytes: 3 blocks, 300 bytes; over a limit of 2.
@demonstration
@pytest.mark.heaphunt_limit(max_blocks=2, max_bytes=200)
def test_three_records_are_over_the_limit(records):
    rs = [records.record_new(100) for _ in range(3)]
    for r in rs:
        records.record_free(r)


# Keeps one 64-byte record: within max_end_bytes=64, over the session's
# default of 0 (which this marker overrides).
@pytest.mark.heaphunt_limit(max_end_bytes=64)
def test_kept_record_within_its_own_limit(records):
    records.record_new(64)


# No marker: the session default (max_end_bytes=0 in the command above)
# applies, and the 32-byte log entry it leaves is over it.
@demonstration
def test_unmarked_leak_caught_by_the_default_limit(records):
    records.remember(7)


# lookup() builds its 4,096-byte table on the first call in the process
# and keeps it: run 1 leaves 4,096 bytes live, runs 2 and 3 nothing.  A
# cache, not a leak: passes.
@pytest.mark.heaphunt_limit(repeat=3)
def test_lookup_cache_is_not_a_leak(records):
    assert records.lookup(12) == 144


# remember() leaves 32 bytes on every run: a leak, which fails.
@demonstration
@pytest.mark.heaphunt_limit(repeat=3)
def test_remember_leaks_on_every_run(records):
    records.remember(1)
