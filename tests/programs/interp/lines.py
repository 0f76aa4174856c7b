# lines.py: allocations of known size at known lines, for tests/test_interp.py.
#
# Each function below allocates at one line; the comment on that line says
# what CPython 3.11 mallocs there, derived from its sources.  Objects of up
# to 512 bytes come from pymalloc, which heaphunt does not see unless the
# interpreter runs with PYTHONMALLOC=malloc; the blocks below are malloc'ed
# either way unless the comment says otherwise.
#
# The process ends with os._exit(0): a normal exit would free every object
# (so t-end would be empty) and run finalizers that allocate.
import os
import sys

N_CHARS = 1_000_000
N_BYTES = 2_000_000
N_SLOTS = 100_000
N_APPENDS = 10_000


def make_str():
    # PyUnicode_New: one block, the 48-byte header of a compact ASCII str,
    # the characters and a NUL: 48 + 1,000,000 + 1 = 1,000,049 bytes.
    return "x" * N_CHARS                        # STR_LINE


def make_bytes():
    # bytes_repeat: one block, PyBytesObject_SIZE (33: header and NUL)
    # + 2,000,000 = 2,000,033 bytes.
    return b"y" * N_BYTES                       # BYTES_LINE


def make_list():
    # list_repeat: the item array, one block of 100,000 x 8 = 800,000 bytes.
    # With PYTHONMALLOC=malloc also the one-slot item array of the [None]
    # being repeated (8 bytes, freed at once); the list objects themselves
    # come from CPython's free list of lists, not from malloc.
    return [None] * N_SLOTS                     # LIST_LINE


def grow_list():
    items = []
    for _ in range(N_APPENDS):
        # list_resize grows the item array by realloc to
        # (n + n // 8 + 6) & ~3 slots when n = len + 1 exceeds the
        # capacity; only visible with PYTHONMALLOC=malloc (the first
        # arrays are small enough for pymalloc otherwise).
        items.append(None)                      # APPEND_LINE
    return items


def nested():
    return make_str()                           # NESTED_LINE


kept = [make_str(), make_bytes(), make_list(), grow_list(), nested()]  # MODULE_LINE
sys.stdout.flush()
os._exit(0)
