//! task-registry: a Rust program profiled by heaphunt with no changes.
//!
//! A toy async runtime's task registry, with the leak such registries are
//! known for: a global registry owns every spawned task until someone
//! `join`s its handle, and fire-and-forget tasks, whose handles are dropped
//! at once, are never removed.  Their tasks, names and results stay live
//! until the process exits.  (Tokio itself frees a detached task when it
//! completes; this registry's bug is keeping finished tasks for a `join`
//! that never comes.)
//!
//! Rust's standard library allocates through the system allocator
//! (`__rust_alloc` -> `__rdl_alloc` -> `malloc`), so heaphunt sees every
//! `Box`, `Vec` and `String` block as a C program's, with no change to the
//! program: build it and run it under Valgrind.
//!
//!     cargo build --offline             (see examples/rust/README.md)
//!     vg-in-place --num-callers=30 target/debug/task-registry
//!
//! What the program does: 30 `fetch-user` tasks whose handles main keeps
//! and joins, and 10 `audit-log` tasks spawned fire-and-forget.  All 40
//! run once; then main joins the 30 and exits.
//!
//! Expected counts, derived by hand (every size below is checked by the
//! `assert_eq!`s in `main`; bytes are the sizes requested from malloc):
//!
//!   size_of::<Task>()       = 64: id 8 + name String 24 + result Vec 24
//!                                 + job fn pointer 8
//!   size_of::<JoinHandle>() =  8: the task id
//!
//!   Sites, by the first function of this program in their stack:
//!   - Registry::reserve: tasks Vec, reserve_exact(64) of Box<Task> (8 B):
//!       1 block, 512 B; never freed (the registry is a static)
//!   - Registry::spawn: Box<Task>: 40 blocks x 64 B = 2,560 B
//!       and the task's name, `str::to_string` (exactly its length):
//!       30 x 10 B ("fetch-user") + 10 x 9 B ("audit-log") = 390 B in 40
//!       blocks.  spawn's two sites together: 80 blocks, 2,950 B.
//!   - Registry::run_all: each task's result, Vec::with_capacity(256):
//!       40 blocks x 256 B = 10,240 B (the jobs write at most 32 bytes, so
//!       no result ever grows)
//!   - main: the handles it keeps, Vec::with_capacity(30) of JoinHandle:
//!       1 block, 240 B, freed when main returns
//!
//!   Total (these sites): 512 + 2,950 + 10,240 + 240 = 13,942 B in 122
//!   blocks.  join frees the 30 joined tasks: Box, name and result each.
//!
//!   At t-end (these sites), the 10 audit-log tasks and the registry's Vec:
//!     Registry::reserve  512 B in  1 block
//!     Registry::spawn    10 x 64 + 10 x 9 = 730 B in 20 blocks
//!     Registry::run_all  10 x 256 = 2,560 B in 10 blocks
//!     total              3,802 B in 31 blocks
//!
//! Rust's runtime adds a few blocks of its own (the main thread's handle,
//! stdout's buffer for the one println!, under `report`), which differ
//! between Rust versions; the counts above are per site and do not
//! include them.
//!
//! Every function below that allocates is #[inline(never)], so that its
//! name is in the stack at any optimisation level.

use std::mem::size_of;
use std::sync::{Mutex, MutexGuard};

/// Capacity of the registry: never exceeded, so its Vec never grows.
const MAX_TASKS: usize = 64;
/// Bytes reserved for each task's result.
const RESULT_CAPACITY_BYTES: usize = 256;

type Job = fn(u64, &mut Vec<u8>);

struct Task {
    id: u64,
    name: String,
    result: Vec<u8>,
    job: Job,
}

/// What spawn returns: dropping it detaches the task (as in Tokio).
struct JoinHandle {
    id: u64,
}

struct Registry {
    tasks: Vec<Box<Task>>,
    next_id: u64,
}

/// The global registry.  A static is never dropped: whatever it holds at
/// exit is live at t-end.
static REGISTRY: Mutex<Registry> = Mutex::new(Registry { tasks: Vec::new(), next_id: 1 });

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().expect("registry lock poisoned")
}

impl Registry {
    /// Room for MAX_TASKS on first use: one block, exactly 64 x 8 bytes.
    #[inline(never)]
    fn reserve(&mut self) {
        if self.tasks.capacity() == 0 {
            self.tasks.reserve_exact(MAX_TASKS);
        }
    }

    #[inline(never)]
    fn spawn(&mut self, name: &str, job: Job) -> JoinHandle {
        self.reserve();
        assert!(self.tasks.len() < MAX_TASKS, "registry full");
        let id = self.next_id;
        self.next_id += 1;
        let task = Box::new(Task { id, name: name.to_string(), result: Vec::new(), job });
        self.tasks.push(task);
        JoinHandle { id }
    }

    /// Runs every task that has not run yet, each into a fresh result buffer.
    #[inline(never)]
    fn run_all(&mut self) {
        for task in self.tasks.iter_mut() {
            if task.result.capacity() == 0 {
                task.result = Vec::with_capacity(RESULT_CAPACITY_BYTES);
                (task.job)(task.id, &mut task.result);
            }
        }
    }

    /// Removes the task and returns the length of its result; the task's
    /// Box, name and result are freed here.
    #[inline(never)]
    fn join(&mut self, handle: JoinHandle) -> usize {
        let pos = self.tasks.iter().position(|t| t.id == handle.id).expect("unknown task");
        let task = self.tasks.swap_remove(pos);
        task.result.len()
    }
}

fn fetch_user(id: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(b"user record.....");
}

fn write_audit(id: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(&id.to_le_bytes());
}

fn main() {
    assert_eq!(size_of::<Task>(), 64);
    assert_eq!(size_of::<Box<Task>>(), 8);
    assert_eq!(size_of::<JoinHandle>(), 8);

    let mut handles: Vec<JoinHandle> = Vec::with_capacity(30);
    for i in 0..40 {
        if i % 4 == 3 {
            // Fire and forget: the handle is dropped here, and with it the
            // only way to remove the task from the registry.
            let _ = registry().spawn("audit-log", write_audit);
        } else {
            handles.push(registry().spawn("fetch-user", fetch_user));
        }
    }
    assert_eq!(handles.len(), 30);
    assert_eq!(handles.capacity(), 30);

    registry().run_all();

    let mut result_bytes = 0;
    for handle in handles.drain(..) {
        result_bytes += registry().join(handle);
    }
    let left = registry().tasks.iter().filter(|t| t.name == "audit-log").count();
    report(result_bytes, left);
}

/// The one line of output.  Its own function because println! allocates
/// stdout's line buffer (std's: 1,024 bytes in the Rust versions we know,
/// freed by std at exit), which then has a site of its own here instead of
/// adding to main's.
#[inline(never)]
fn report(result_bytes: usize, tasks_left: usize) {
    println!("joined 30 tasks ({} result bytes); {} audit-log tasks left in the registry",
             result_bytes, tasks_left);
}
