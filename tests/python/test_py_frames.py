"""Responsible frames and frame display (python/heaphunt/frames.py) on
stacks copied from real profiles: the first frame of the program's own
code is chosen past each language's allocation plumbing."""

from __future__ import annotations

import re

import pytest

from heaphunt.frames import Classifier, display, frame_key
from heaphunt.rules import RulesError, default_rules, with_frames

# (stack innermost first, the responsible frame's index), from heaphunt
# profiles of the programs named.
STACKS = [
    # examples/rust (rustup's std, release-built, inlined into the program)
    (["0x14B987: alloc (alloc.rs:95)",
      "0x14B987: alloc_impl_runtime (alloc.rs:190)",
      "0x14B987: allocate (alloc.rs:429)",
      "0x122AAA: with_capacity_in<task_registry::JoinHandle, alloc::alloc::Global> "
      "(library/alloc/src/vec/mod.rs:965)",
      "0x122AAA: alloc::vec::Vec<T>::with_capacity (library/alloc/src/vec/mod.rs:524)",
      "0x1200A1: task_registry::main (main.rs:150)",
      "0x1221DA: core::ops::function::FnOnce::call_once (library/core/src/ops/function.rs:250)"],
     5),
    # a tokio program: std's allocator, Box, tokio's task cell, then the program
    (["0x192646: aligned_malloc (unix.rs:83)",
      "0x192646: alloc (unix.rs:28)",
      "0x192646: __rustc::__rdl_alloc (alloc.rs:455)",
      "0x147B67: alloc::alloc::Global::alloc_impl_runtime (library/alloc/src/alloc.rs:190)",
      "0x13BD96: alloc::boxed::box_new_uninit (library/alloc/src/boxed.rs:248)",
      "0x13DE06: tokio::runtime::task::core::Cell<T,S>::new (src/runtime/task/core.rs:128)",
      "0x145ACB: tokio::task::spawn::spawn_inner (src/task/spawn.rs:185)",
      "0x145B00: tokio::task::spawn::spawn (src/task/spawn.rs:166)",
      "0x130010: spawn_forget::spawn_all (main.rs:9)",
      "0x130100: spawn_forget::main (main.rs:20)"],
     8),
    # C++: std::vector's buffer, through libstdc++'s headers
    (["0x10A1B2: std::__new_allocator<int>::allocate(unsigned long, void const*) "
      "(new_allocator.h:147)",
      "0x10A0F1: std::allocator_traits<std::allocator<int> >::allocate(std::allocator<int>&, "
      "unsigned long) (alloc_traits.h:482)",
      "0x109FDE: std::_Vector_base<int, std::allocator<int> >::_M_allocate(unsigned long) "
      "(stl_vector.h:378)",
      "0x109E2B: void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>"
      "(__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >, int const&) "
      "(vector.tcc:453)",
      "0x109C4A: std::vector<int, std::allocator<int> >::push_back(int const&) "
      "(stl_vector.h:1287)",
      "0x1093A5: Registry::add(int) (registry.cpp:31)",
      "0x109501: main (registry.cpp:60)"],
     5),
    # C++: std::string's buffer, libstdc++ without line information
    (["0x4960B9E: std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >"
      "::_M_create(unsigned long&, unsigned long) (in /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30)",
      "0x10955D: make_name[abi:cxx11](int) (names.cpp:12)",
      "0x1096A0: main (names.cpp:40)"],
     1),
    # C: glibc's stdio allocating for the program
    (["0x48F31FA: __fopen_internal (iofopen.c:65)",
      "0x109245: read_config (config.c:21)",
      "0x109300: main (config.c:50)"],
     1),
    (["0x48F28CB: _IO_file_doallocate (in /usr/lib/x86_64-linux-gnu/libc.so.6)",
      "0x490009F: _IO_doallocbuf (in /usr/lib/x86_64-linux-gnu/libc.so.6)",
      "0x48FF203: _IO_file_underflow@@GLIBC_2.2.5 (in /usr/lib/x86_64-linux-gnu/libc.so.6)",
      "0x10A000: load (load.c:8)"],
     3),
    # Ruby with interpreted frames: the interpreter's C, then the script
    (["0x48A1000: objspace_xmalloc0 (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x4870000: rb_ary_push (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x0: ActiveSupport::Notifications::Instrumenter#instrument [ruby] "
      "(/usr/lib/ruby/vendor_ruby/active_support/notifications/instrumenter.rb:24)",
      "0x0: Object#handle [ruby] (app.rb:12)"],
     3),
    # Ruby: Rails' code known by name when its file is not under a gems
    # directory, a block in it too
    (["0x48A1000: objspace_xmalloc0 (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x0: block in ActiveSupport::Subscriber#start [ruby] "
      "(/opt/app/lib/active_support/subscriber.rb:139)",
      "0x0: ActiveSupport::Notifications.instrument [ruby] "
      "(/opt/app/lib/active_support/notifications.rb:203)",
      "0x0: Object#run_query [ruby] (app.rb:60)"],
     3),
    # Ruby: a new page of the object heap, made while a line needed a slot,
    # is the collector's place, not the line's
    (["0x4935483: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x4A40000: rb_wb_protected_newobj_of (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x4A41000: rb_str_resurrect (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x0: Object#run_query [ruby] (app.rb:59)"],
     1),
    # Ruby without interpreted frames: no program frame at all; the first
    # frame that is not an allocation wrapper
    (["0x48A1000: objspace_xmalloc0 (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x48A1100: ruby_xmalloc (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x4870000: rb_ary_push (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",
      "0x4871000: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)"],
     2),
    # Python: pymalloc's wrappers, the interpreter, then the script
    (["0x4D1000: _PyObject_Malloc (in /usr/bin/python3.11)",
      "0x4D2000: PyByteArray_Resize (in /usr/bin/python3.11)",
      "0x0: EventBus.subscribe [python] (event_bus.py:31)",
      "0x0: <module> [python] (event_bus.py:80)"],
     2),
    # DHAT's own first frame, in its preload
    (["0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)",
      "0x109182: log_event (leaky.c:95)"],
     1),
]


@pytest.mark.parametrize("stack,expected", STACKS, ids=[s[expected].split(": ", 1)[1][:40]
                                                         for s, expected in STACKS])
def test_responsible_frame(stack: list[str], expected: int) -> None:
    assert Classifier(default_rules()).responsible(stack) == expected


def test_keep_frames_wins_over_the_rules_and_skip_frames_adds_to_them() -> None:
    stack = STACKS[1][0]
    keep = Classifier(with_frames(default_rules(), keep=[r"^tokio::task::spawn::spawn "]))
    assert keep.responsible(stack) == 7
    skip = Classifier(with_frames(default_rules(), skip=[r"^spawn_forget::spawn_all "]))
    assert skip.responsible(stack) == 9


@pytest.mark.parametrize("pattern,why", [
    ("(unclosed", "is not a regular expression"),
    ("(?P<name>x)", "uses a (?...) group"),
    ("(?i)tokio", "uses a (?...) group"),
])
def test_bad_user_expressions_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(RulesError, match=re.escape(why)):
        with_frames(default_rules(), skip=[pattern])


OBJS = [("/usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2", 0x4800000)]


@pytest.mark.parametrize("frame,objs,shown", [
    ("0x4A1B2C3: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)", OBJS,
     "libruby-3.1.so.3.1.2+0x21b2c3"),
    ("0x4A1B2C3: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)", None,
     "libruby-3.1.so.3.1.2@0x4A1B2C3"),
    ("0x4A1B2C3: ??? (in /usr/lib/libother.so)", OBJS, "libother.so@0x4A1B2C3"),
    ("0x0004A1B: ???", None, "0x4A1B"),
    ("0x109182: log_event (leaky.c:95)", OBJS, "log_event (leaky.c:95)"),
    ("0x4849CE0: strdup (in /usr/lib/x86_64-linux-gnu/libc.so.6)", None,
     "strdup (in /usr/lib/x86_64-linux-gnu/libc.so.6)"),
    ("0x0: Object#run [ruby] (app.rb:12)", None, "Object#run [ruby] (app.rb:12)"),
    ("[root]", None, "[root]"),
])
def test_display(frame: str, objs: list | None, shown: str) -> None:
    assert display(frame, objs) == shown


def test_frame_key_drops_the_address_of_a_source_line_only() -> None:
    assert frame_key("0x61000: myapp::fill (main.rs:30)") == \
        frame_key("0x61040: myapp::fill (main.rs:30)") == "myapp::fill (main.rs:30)"
    assert frame_key("0x4871000: ??? (in /usr/lib/libruby.so)") == \
        "0x4871000: ??? (in /usr/lib/libruby.so)"
