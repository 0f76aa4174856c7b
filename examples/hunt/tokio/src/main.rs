//! spawn-forget: a server loop that spawns a task per request and forgets
//! its JoinHandle.  Each task holds its request's 1 KiB buffer until the
//! server shuts down, so the tasks pile up while requests come in and are
//! all released at the end: nothing is live at exit, yet the heap grows
//! with every request.  Profiled unchanged by heaphunt (README.md).
//!
//! What the profile must show, derived from this file:
//!
//! - One allocation per spawned task: tokio's task cell, made by
//!   `tokio::spawn` in `spawn_requests` (the line marked SPAWN below) and
//!   holding the task's future.  The future keeps `buffer`
//!   ([u8; BUFFER_BYTES]) across its await, so it lives inside the cell:
//!   REQUESTS = 2,000 cells, every one of the same size S >= 1,024 bytes (S
//!   is rustc's layout of tokio's cell: the future, the scheduler handle,
//!   the task header; not written here).  The rest of the run allocates
//!   nothing per request.
//! - The cells pile up while requests come in: `serve_requests` spends
//!   WORK_ROUNDS rounds of arithmetic on each request before spawning its
//!   task, and that loop is nearly the whole run, so the live cells rise
//!   from 0 to 2,000 x S through it, one more at each spawn.
//! - They are all released after the last request: `shutdown` sends on
//!   the watch channel, every task wakes, returns and frees its cell.
//!   Nothing of them is live at exit (the runtime is dropped before main
//!   returns).
//! - Their responsible frame is `spawn_forget::spawn_requests (main.rs:SPAWN)`:
//!   below it are tokio's spawn path and std's Box, library code.
//!
//! So `heaphunt report`'s first finding is a pile-up of 2,000 blocks at
//! spawn_requests, over most of the run, freed after the last request.

use tokio::sync::watch;

/// Requests served, and so tasks spawned (and cells allocated).
const REQUESTS: usize = 2_000;
/// Rounds of arithmetic per request before its task is spawned: the work
/// that spreads the spawns over the run.
const WORK_ROUNDS: u64 = 20_000;
/// Bytes each task holds until shutdown, inside its future.
const BUFFER_BYTES: usize = 1_024;

/// A request's task: keeps its buffer until the server shuts down.
async fn handle_request(id: usize, mut shutdown: watch::Receiver<bool>) -> usize {
    let mut buffer = [0u8; BUFFER_BYTES];
    buffer[id % BUFFER_BYTES] = 1;
    let _ = shutdown.changed().await;
    buffer.iter().map(|&b| b as usize).sum()
}

/// Parses a request: arithmetic only, no allocation.
fn parse_request(id: usize) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ id as u64;
    for _ in 0..WORK_ROUNDS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// Spawns the request's task and forgets its JoinHandle: the task lives
/// until shutdown, whatever the caller does next.
fn spawn_requests(id: usize, shutdown: &watch::Receiver<bool>) {
    let _ = tokio::spawn(handle_request(id, shutdown.clone())); // SPAWN
}

/// The server loop: each request parsed, then its task spawned.
fn serve_requests(shutdown: &watch::Receiver<bool>) -> u64 {
    let mut checksum = 0;
    for id in 0..REQUESTS {
        checksum ^= parse_request(id);
        spawn_requests(id, shutdown);
    }
    checksum
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let checksum = runtime.block_on(async {
        let (stop, shutdown) = watch::channel(false);
        let checksum = serve_requests(&shutdown);
        // Let every task start and wait, then shut them all down.
        tokio::task::yield_now().await;
        stop.send(true).unwrap();
        tokio::task::yield_now().await;
        checksum
    });
    drop(runtime);
    std::process::exit((checksum == 42) as i32);
}
