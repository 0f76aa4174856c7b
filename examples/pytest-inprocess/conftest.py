"""pytest wiring for the example, run from heaphunt's source tree.

The plugin comes from the source tree's python/ (installed heaphunt needs
no conftest: pytest loads the plugin through the package's entry point),
and the library under test is loaded once per process, outside any test's
measurement: librecords.so beside this file, or $RECORDS_LIB (the test
suite builds it into build/examples/).
"""

import ctypes
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "python"))

pytest_plugins = ["heaphunt.pytest_plugin"]


@pytest.fixture(scope="session")
def records() -> ctypes.CDLL:
    path = Path(os.environ.get("RECORDS_LIB") or HERE / "librecords.so")
    if not path.exists():
        pytest.exit(f"{path} not found: build it first: cc -shared -fPIC -g -O0"
                    f" -o {path} {HERE / 'records.c'}", returncode=2)
    lib = ctypes.CDLL(str(path))
    lib.record_new.restype = ctypes.c_void_p
    lib.record_new.argtypes = (ctypes.c_size_t,)
    lib.record_free.restype = None
    lib.record_free.argtypes = (ctypes.c_void_p,)
    lib.lookup.restype = ctypes.c_long
    lib.lookup.argtypes = (ctypes.c_long,)
    lib.remember.restype = None
    lib.remember.argtypes = (ctypes.c_long,)
    return lib
