//! Exact heap counts from inside Rust tests, when they run under heaphunt.
//!
//! heaphunt is a heap profiler built as a Valgrind tool: under it, every
//! allocation, free, read and write of the program is counted exactly.
//! This crate asks heaphunt for those counts while the program runs
//! (Valgrind client requests, through inline assembly), so that a test can
//! assert them: "this function allocates 3 blocks, 56 bytes, and leaves
//! none live".
//!
//! ```
//! let scope = heaphunt::Scope::new();
//! let v: Vec<u64> = Vec::with_capacity(8);      // one block, 64 bytes
//! drop(v);
//! heaphunt::assert_allocs!(scope, 1, 64);       // blocks, bytes
//! heaphunt::assert_no_leaks!(scope);
//! ```
//!
//! Counts are per thread by default ([`Scope::new`], [`thread_stats`]):
//! `cargo test` runs tests in parallel threads, and each test measures only
//! its own thread, exactly, whatever the others do.  A block belongs to the
//! thread that allocated it: its bytes stay in that thread's counts until
//! it is freed, by any thread.  Reads, writes, copies and instructions
//! count for the thread that does them.  [`Scope::process`] and [`stats`]
//! count the whole process.
//!
//! Run the tests under heaphunt with cargo's runner setting:
//!
//! ```text
//! CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="valgrind --tool=heaphunt -q \
//!     --heaphunt-out-file=target/heaphunt.%p.json" cargo test
//! ```
//!
//! Outside heaphunt (a plain `cargo test`, another Valgrind tool, another
//! architecture) every request is a no-op: [`running_on_heaphunt`] is false,
//! the stats are zero, and the assertion macros check nothing (the first
//! one says so, once, on stderr), so the same tests pass in an ordinary run.
//!
//! No dependencies; builds with Rust 1.63 and later.

#![deny(missing_docs)]

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};

/// heaphunt's counts: the same fields, in the same order, as `HeaphuntStats`
/// in heaphunt.h.  Bytes are the sizes requested from the allocator.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Blocks live now.
    pub curr_blocks: u64,
    /// Bytes live now.
    pub curr_bytes: u64,
    /// Blocks allocated so far (a `realloc` counts one more block).
    pub total_blocks: u64,
    /// Bytes allocated so far.
    pub total_bytes: u64,
    /// Blocks live at the highest peak of `curr_bytes` so far.
    pub peak_blocks: u64,
    /// The highest `curr_bytes` so far.
    pub peak_bytes: u64,
    /// Bytes read from heap blocks so far.
    pub reads_bytes: u64,
    /// Bytes written to heap blocks so far.
    pub writes_bytes: u64,
    /// Bytes copied by `memcpy`-family calls so far.
    pub copied_bytes: u64,
    /// `memcpy`-family calls so far.
    pub copy_calls: u64,
    /// Guest instructions executed so far.
    pub instrs: u64,
}

/// The difference of two [`Stats`], field by field, signed: `curr_*` go down
/// when the measured code frees blocks allocated before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    /// Change of the live blocks.
    pub curr_blocks: i64,
    /// Change of the live bytes.
    pub curr_bytes: i64,
    /// Blocks allocated.
    pub total_blocks: i64,
    /// Bytes allocated.
    pub total_bytes: i64,
    /// Rise of the peak's blocks.
    pub peak_blocks: i64,
    /// Rise of the peak (the high-water mark of the live bytes).
    pub peak_bytes: i64,
    /// Bytes read from heap blocks.
    pub reads_bytes: i64,
    /// Bytes written to heap blocks.
    pub writes_bytes: i64,
    /// Bytes copied by `memcpy`-family calls.
    pub copied_bytes: i64,
    /// `memcpy`-family calls.
    pub copy_calls: i64,
    /// Guest instructions executed.
    pub instrs: i64,
    /// False outside heaphunt: there was nothing to measure.
    pub measured: bool,
}

impl Delta {
    /// `after - before`, each field as a signed number.
    pub fn between(before: &Stats, after: &Stats) -> Delta {
        fn d(a: u64, b: u64) -> i64 {
            b.wrapping_sub(a) as i64
        }
        Delta {
            curr_blocks: d(before.curr_blocks, after.curr_blocks),
            curr_bytes: d(before.curr_bytes, after.curr_bytes),
            total_blocks: d(before.total_blocks, after.total_blocks),
            total_bytes: d(before.total_bytes, after.total_bytes),
            peak_blocks: d(before.peak_blocks, after.peak_blocks),
            peak_bytes: d(before.peak_bytes, after.peak_bytes),
            reads_bytes: d(before.reads_bytes, after.reads_bytes),
            writes_bytes: d(before.writes_bytes, after.writes_bytes),
            copied_bytes: d(before.copied_bytes, after.copied_bytes),
            copy_calls: d(before.copy_calls, after.copy_calls),
            instrs: d(before.instrs, after.instrs),
            measured: true,
        }
    }
}

//------------------------------------------------------------------------
// Client requests
//------------------------------------------------------------------------

/// heaphunt.h's request numbers: VG_USERREQ_TOOL_BASE('H', 'H') + n.
const REQUEST_BASE: usize = (('H' as usize) << 24) | (('H' as usize) << 16);
const REQUEST_RUNNING: usize = REQUEST_BASE;
const REQUEST_GET_STATS: usize = REQUEST_BASE + 1;
const REQUEST_GET_THREAD_STATS: usize = REQUEST_BASE + 4;

/// Valgrind's client request on amd64 (valgrind.h): four rotations of rdi
/// that leave it unchanged, then `xchg %rbx,%rbx`.  The simulated CPU
/// recognises the sequence and hands the request (rax: the address of six
/// words, the request number first) to the tool, which puts its answer in
/// rdx.  Run natively the instructions change nothing and rdx keeps
/// `default`.
#[cfg(target_arch = "x86_64")]
fn client_request(default: usize, request: usize, arg1: usize, arg2: usize) -> usize {
    let args: [usize; 6] = [request, arg1, arg2, 0, 0, 0];
    let result: usize;
    // SAFETY: the instructions only rotate rdi back to its own value and
    // exchange rbx with itself; under Valgrind the tool reads `args` and
    // may write the memory arg1 points to, which the callers own.
    unsafe {
        std::arch::asm!(
            "rolq $3, %rdi",
            "rolq $13, %rdi",
            "rolq $61, %rdi",
            "rolq $51, %rdi",
            "xchgq %rbx, %rbx",
            in("rax") args.as_ptr(),
            inlateout("rdx") default => result,
            options(att_syntax, nostack),
        );
    }
    result
}

#[cfg(not(target_arch = "x86_64"))]
fn client_request(default: usize, _request: usize, _arg1: usize, _arg2: usize) -> usize {
    default
}

/// Fills `*stats` by the request; false if nobody answered (not under
/// heaphunt).  The tool writes the struct: no copy is made in the program.
fn fill_stats(request: usize, stats: *mut Stats) -> bool {
    client_request(0, request, stats as usize, std::mem::size_of::<Stats>()) != 0
}

fn read_stats(request: usize) -> Option<Stats> {
    let mut stats = Stats::default();
    if fill_stats(request, &mut stats) {
        Some(stats)
    } else {
        None
    }
}

/// True when the program runs under heaphunt.
pub fn running_on_heaphunt() -> bool {
    client_request(0, REQUEST_RUNNING, 0, 0) == 1
}

/// The whole process's counts so far (all zero outside heaphunt).
pub fn stats() -> Stats {
    read_stats(REQUEST_GET_STATS).unwrap_or_default()
}

/// The calling thread's counts so far (all zero outside heaphunt): the
/// blocks it allocated (live ones count until freed, by any thread), the
/// peak of its live bytes, and the reads, writes, copies and instructions
/// it made.
pub fn thread_stats() -> Stats {
    read_stats(REQUEST_GET_THREAD_STATS).unwrap_or_default()
}

//------------------------------------------------------------------------
// Scopes
//------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Counting {
    Thread,
    Process,
    NotMeasured,
}

/// The most scopes one thread can have alive at once.
pub const MAX_LIVE_SCOPES_PER_THREAD: usize = 64;

// Each scope's starting counts live in a per-thread table, not in the
// Scope: a Scope is then a few words, and moving it (returning it from
// new(), passing it around) is never a memcpy call, which heaphunt would
// count as a copy of the thread being measured.  Rust moves larger values
// with memcpy in unoptimised builds, where tests run.
thread_local! {
    static SCOPE_STARTS: RefCell<[Stats; MAX_LIVE_SCOPES_PER_THREAD]> =
        const { RefCell::new([ZERO_STATS; MAX_LIVE_SCOPES_PER_THREAD]) };
    static SCOPE_SLOTS_USED: Cell<u64> = const { Cell::new(0) };
}

const ZERO_STATS: Stats = Stats {
    curr_blocks: 0, curr_bytes: 0, total_blocks: 0, total_bytes: 0, peak_blocks: 0,
    peak_bytes: 0, reads_bytes: 0, writes_bytes: 0, copied_bytes: 0, copy_calls: 0,
    instrs: 0,
};

fn request_for(counting: Counting) -> usize {
    match counting {
        Counting::Thread | Counting::NotMeasured => REQUEST_GET_THREAD_STATS,
        Counting::Process => REQUEST_GET_STATS,
    }
}

/// Counts since the scope was made: of the calling thread ([`Scope::new`])
/// or of the whole process ([`Scope::process`]).  Scopes nest: each one is
/// its own before/after pair.  A scope stays on the thread that made it
/// (it is neither `Send` nor `Sync`), so that its delta is that thread's.
/// A thread can have up to [`MAX_LIVE_SCOPES_PER_THREAD`] scopes alive at
/// once.  Making and reading a scope allocates and copies nothing.
pub struct Scope {
    counting: Counting,
    slot: usize,
    not_send: PhantomData<*const ()>,
}

impl Scope {
    /// A scope counting the calling thread only.
    pub fn new() -> Scope {
        Scope::start(Counting::Thread)
    }

    /// A scope counting the whole process (every thread).
    pub fn process() -> Scope {
        Scope::start(Counting::Process)
    }

    fn start(counting: Counting) -> Scope {
        let slot = SCOPE_SLOTS_USED.with(|used| {
            let free = (!used.get()).trailing_zeros() as usize;
            if free >= MAX_LIVE_SCOPES_PER_THREAD {
                panic!("heaphunt: more than {} scopes alive in this thread",
                       MAX_LIVE_SCOPES_PER_THREAD);
            }
            used.set(used.get() | 1 << free);
            free
        });
        // The request is the last thing done: nothing after it is counted.
        let filled = SCOPE_STARTS.with(|starts| {
            let start: *mut Stats = &mut starts.borrow_mut()[slot];
            fill_stats(request_for(counting), start)
        });
        Scope {
            counting: if filled { counting } else { Counting::NotMeasured },
            slot,
            not_send: PhantomData,
        }
    }

    /// The counts since the scope was made.
    pub fn delta(&self) -> Delta {
        if self.counting == Counting::NotMeasured {
            return Delta::default();
        }
        // The request is the first thing done, into memory left as it is
        // (zeroing it could be a memset call): nothing before it is counted.
        let mut now = MaybeUninit::<Stats>::uninit();
        if !fill_stats(request_for(self.counting), now.as_mut_ptr()) {
            return Delta::default();
        }
        // SAFETY: the tool filled the whole struct (its size is passed).
        let now = unsafe { now.assume_init_ref() };
        SCOPE_STARTS.with(|starts| Delta::between(&starts.borrow()[self.slot], now))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let slot = self.slot;
        SCOPE_SLOTS_USED.with(|used| used.set(used.get() & !(1 << slot)));
    }
}

impl Default for Scope {
    fn default() -> Scope {
        Scope::new()
    }
}

//------------------------------------------------------------------------
// Assertions
//------------------------------------------------------------------------

/// What the assertion macros accept: a [`Delta`], or a [`Scope`] (read at
/// the assertion).
pub trait Measured {
    /// The delta to check.
    fn measured_delta(&self) -> Delta;
}

impl Measured for Delta {
    fn measured_delta(&self) -> Delta {
        *self
    }
}

impl Measured for Scope {
    fn measured_delta(&self) -> Delta {
        self.delta()
    }
}

impl<T: Measured + ?Sized> Measured for &T {
    fn measured_delta(&self) -> Delta {
        (**self).measured_delta()
    }
}

static SAID_NOT_MEASURED: AtomicBool = AtomicBool::new(false);

#[doc(hidden)]
pub mod __private {
    use super::*;

    /// The delta to check, or None (said once) outside heaphunt.  Under a
    /// heaphunt that does not answer the request (one older than this
    /// crate), panics: the assertions would otherwise pass unchecked.
    #[track_caller]
    pub fn delta_to_check<M: Measured>(m: &M) -> Option<Delta> {
        let d = m.measured_delta();
        if d.measured {
            return Some(d);
        }
        if running_on_heaphunt() {
            panic!("heaphunt: running under heaphunt, but it did not answer the stats \
                    request: is the heaphunt tool older than this crate?");
        }
        if !SAID_NOT_MEASURED.swap(true, Ordering::Relaxed) {
            eprintln!("heaphunt: not running under heaphunt: heap assertions not checked");
        }
        None
    }

    /// One comparison of an assertion: (field, operator, expected, got).
    pub type Check = (&'static str, &'static str, i64, i64);

    /// True if the comparison holds.
    pub fn holds(check: &Check) -> bool {
        let (_, op, want, got) = *check;
        match op {
            "==" => got == want,
            "<=" => got <= want,
            ">=" => got >= want,
            _ => panic!("heaphunt::assert_delta!: unknown comparison {}", op),
        }
    }

    /// Panics with every comparison that does not hold, and where (also
    /// the panic's own location, through track_caller).
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub fn fail(what: &str, delta_text: &str, checks: &[Check], file: &str, line: u32,
                column: u32) -> ! {
        let mut parts = Vec::new();
        for check in checks {
            if !holds(check) {
                let (field, op, want, got) = *check;
                let expected = if op == "==" { format!("{}", want) }
                               else { format!("{} {}", op, want) };
                parts.push(format!("{} expected {}, got {}", field, expected, got));
            }
        }
        panic!("heaphunt: {} in {} at {}:{}:{}: {}", what, delta_text, file, line, column,
               parts.join("; "));
    }
}

/// Asserts fields of a delta: `assert_delta!(scope, total_blocks == 3,
/// curr_bytes == 0, reads_bytes <= 4096)` (`==`, `<=` or `>=`; the value
/// is any integer expression).  The first argument is a [`Delta`] or a
/// [`Scope`].  A failure panics with every comparison that failed, expected
/// and got, and the file, line and column of the assertion:
///
/// ```text
/// heaphunt: delta of scope at tests/cache.rs:42:5: total_blocks expected 3, got 4
/// ```
#[macro_export]
macro_rules! assert_delta {
    ($d:expr, $($field:ident $op:tt $value:expr),+ $(,)?) => {{
        if let ::core::option::Option::Some(heaphunt_delta) =
            $crate::__private::delta_to_check(&$d)
        {
            let heaphunt_checks = [$((
                ::core::stringify!($field),
                ::core::stringify!($op),
                ($value) as i64,
                heaphunt_delta.$field,
            )),+];
            if !heaphunt_checks.iter().all($crate::__private::holds) {
                $crate::__private::fail("delta", ::core::stringify!($d), &heaphunt_checks,
                                        ::core::file!(), ::core::line!(), ::core::column!());
            }
        }
    }};
}

/// Asserts the blocks and bytes allocated: `assert_allocs!(scope, 3, 56)`.
#[macro_export]
macro_rules! assert_allocs {
    ($d:expr, $blocks:expr, $bytes:expr $(,)?) => {{
        if let ::core::option::Option::Some(heaphunt_delta) =
            $crate::__private::delta_to_check(&$d)
        {
            let heaphunt_checks = [
                ("total_blocks", "==", ($blocks) as i64, heaphunt_delta.total_blocks),
                ("total_bytes", "==", ($bytes) as i64, heaphunt_delta.total_bytes),
            ];
            if !heaphunt_checks.iter().all($crate::__private::holds) {
                $crate::__private::fail("allocations", ::core::stringify!($d), &heaphunt_checks,
                                        ::core::file!(), ::core::line!(), ::core::column!());
            }
        }
    }};
}

/// Asserts the change of the live blocks and bytes: `assert_live!(scope, 1,
/// 24)`; negative when the scope freed older blocks.
#[macro_export]
macro_rules! assert_live {
    ($d:expr, $blocks:expr, $bytes:expr $(,)?) => {{
        if let ::core::option::Option::Some(heaphunt_delta) =
            $crate::__private::delta_to_check(&$d)
        {
            let heaphunt_checks = [
                ("curr_blocks", "==", ($blocks) as i64, heaphunt_delta.curr_blocks),
                ("curr_bytes", "==", ($bytes) as i64, heaphunt_delta.curr_bytes),
            ];
            if !heaphunt_checks.iter().all($crate::__private::holds) {
                $crate::__private::fail("live blocks left", ::core::stringify!($d),
                                        &heaphunt_checks, ::core::file!(), ::core::line!(),
                                        ::core::column!());
            }
        }
    }};
}

/// Asserts that nothing allocated in the scope is still live:
/// `assert_live!(d, 0, 0)`.
#[macro_export]
macro_rules! assert_no_leaks {
    ($d:expr $(,)?) => {
        $crate::assert_live!($d, 0, 0)
    };
}
