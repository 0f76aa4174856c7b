"""Client requests from Python: heaphunt's counts for the process running this.

When Python itself runs under heaphunt (`valgrind --tool=heaphunt python3
-m pytest`), the code of the process -- C extensions, libraries loaded with
ctypes, the interpreter -- is profiled, and a test can ask heaphunt for the
counts so far, as a C program does with heaphunt.h.

A client request is a special sequence of machine instructions that the
simulated CPU recognises (valgrind.h's "magic sequence"); Python cannot
execute it itself, so this module writes it, once, as a 36-byte function
into an anonymous page, makes the page executable (read+execute, never
writable and executable at once) and calls it through ctypes.  Nothing is
compiled or installed, and no file is loaded: the same code works from a
source tree, a pip install or the Debian package.  Run natively, the
instructions change nothing and every request returns its default, so
`running()` is False and `stats()` None.

amd64 Linux only (the sequence is the CPU's); elsewhere `running()` is
False.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import platform

# heaphunt.h: VG_USERREQ_TOOL_BASE('H', 'H') + n.
_REQUEST_BASE = (ord("H") << 24) | (ord("H") << 16)
REQUEST_RUNNING = _REQUEST_BASE
REQUEST_GET_STATS = _REQUEST_BASE + 1
REQUEST_DUMP = _REQUEST_BASE + 2
REQUEST_CHECKPOINT = _REQUEST_BASE + 3
REQUEST_GET_THREAD_STATS = _REQUEST_BASE + 4

# uint64_t request(uint64_t args[6] /* rdi */, uint64_t default /* rsi */):
# valgrind.h's VALGRIND_DO_CLIENT_REQUEST_EXPR for amd64 as a function.
_STUB = bytes.fromhex(
    "4889f8"      # mov %rdi,%rax        rax: the address of the six words
    "4889f2"      # mov %rsi,%rdx        rdx: the default answer
    "48c1c703"    # rol $3,%rdi          the preamble: four rotations that
    "48c1c70d"    # rol $13,%rdi           leave rdi unchanged (3 + 13 +
    "48c1c73d"    # rol $61,%rdi           61 + 51 = 128 = 2 * 64)
    "48c1c733"    # rol $51,%rdi
    "4887db"      # xchg %rbx,%rbx       "client request": rdx = answer
    "4889d0"      # mov %rdx,%rax        the return value
    "c3"          # ret
)


class HeaphuntStats(ctypes.Structure):
    """heaphunt.h's HeaphuntStats, field for field."""
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "curr_blocks", "curr_bytes", "total_blocks", "total_bytes", "peak_blocks",
        "peak_bytes", "reads_bytes", "writes_bytes", "copied_bytes", "copy_calls", "instrs")]

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _ in self._fields_}


STATS_FIELDS = tuple(name for name, _ in HeaphuntStats._fields_)


class ClientError(RuntimeError):
    """The request function could not be made (not amd64, or the system
    refuses executable anonymous memory)."""


_Request = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint64)
_request_fn: _Request | None = None
_stub_page: mmap.mmap | None = None
# Reused for every request: making a new array would be an allocation in
# the middle of the window being measured (a small one, from Python's own
# pools, which heaphunt does not see, but there is no need).
_args = (ctypes.c_uint64 * 6)()


def _make_request_fn() -> _Request:
    global _request_fn, _stub_page
    if _request_fn is not None:
        return _request_fn
    if platform.machine() not in ("x86_64", "AMD64") or os.name != "posix":
        raise ClientError(f"client requests from Python need amd64 Linux, not "
                          f"{platform.machine()} {os.name}")
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    page.write(_STUB)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    if libc.mprotect(address, mmap.PAGESIZE, mmap.PROT_READ | mmap.PROT_EXEC) != 0:
        err = ctypes.get_errno()
        raise ClientError(f"cannot make the client-request function executable: "
                          f"mprotect: {os.strerror(err)}")
    _stub_page = page   # kept for the life of the process
    _request_fn = _Request(address)
    return _request_fn


def request(code: int, arg1: int = 0, arg2: int = 0, default: int = 0) -> int:
    """One client request; `default` when no tool answers (natively)."""
    fn = _make_request_fn()
    _args[0] = code
    _args[1] = arg1
    _args[2] = arg2
    return fn(ctypes.addressof(_args), default)


def running() -> bool:
    """True when this process runs under heaphunt."""
    try:
        return request(REQUEST_RUNNING) == 1
    except ClientError:
        return False


def read_stats(into: HeaphuntStats, thread: bool = False) -> bool:
    """Fills `into` with the counts so far (the process's, or the calling
    thread's); False if not under heaphunt.  Allocates nothing heaphunt sees."""
    code = REQUEST_GET_THREAD_STATS if thread else REQUEST_GET_STATS
    return request(code, ctypes.addressof(into), ctypes.sizeof(HeaphuntStats)) != 0


def stats(thread: bool = False) -> HeaphuntStats | None:
    """The counts so far, or None if not under heaphunt."""
    s = HeaphuntStats()
    return s if read_stats(s, thread) else None


def dump(path: str) -> bool:
    """A complete profile of the run so far, written to `path`."""
    encoded = ctypes.c_char_p(os.fsencode(path))
    return request(REQUEST_DUMP, ctypes.cast(encoded, ctypes.c_void_p).value or 0) == 1


def checkpoint(name: str) -> None:
    """A named moment in the profile's timeline (hhCheckpoints)."""
    encoded = ctypes.c_char_p(name.encode("utf-8", "replace"))
    request(REQUEST_CHECKPOINT, ctypes.cast(encoded, ctypes.c_void_p).value or 0)
