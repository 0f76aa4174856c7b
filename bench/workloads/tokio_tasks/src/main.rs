//! tokio_tasks: the benchmark's Tokio workload, on the multi-thread runtime
//! (two worker threads).  A producer spawns request tasks in waves; each
//! task allocates a request buffer and a few strings, parses the buffer on
//! its stack (a table of counts and a sort of a fixed-size array), yields
//! to the scheduler, and sends a response through an mpsc channel to a
//! collector task that keeps a bounded window of recent responses.  Task
//! cells, buffers and channel blocks live on the heap; the parsing happens
//! on the worker threads' stacks, which lie among the heap's mappings.
//! How many tasks are alive at once depends on scheduling, so the peak and
//! the access counts vary from run to run (and between tools).
//!
//! Usage: tokio-tasks [N_TASKS]   (default 20,000)

use tokio::sync::mpsc;

const WAVE: u64 = 2_000;
const WINDOW: usize = 256;

fn parse(request: &[u8]) -> u64 {
    let mut counts = [0u32; 256];
    for &b in request {
        counts[b as usize] += 1;
    }
    let mut keys = [0u32; 64];
    for (i, k) in keys.iter_mut().enumerate() {
        *k = counts[(i * 7) % 256].wrapping_mul(2654435761) ^ i as u32;
    }
    keys.sort_unstable();
    keys.iter().fold(0u64, |h, &k| h.wrapping_mul(31).wrapping_add(k as u64))
}

async fn handle(id: u64, tx: mpsc::Sender<String>) {
    let len = 4096 + (id % 8) as usize * 1024;
    let request: Vec<u8> = (0..len).map(|i| (i as u64 * 31 + id) as u8).collect();
    let path = format!("/items/{}/detail", id);
    tokio::task::yield_now().await;
    let digest = parse(&request) ^ parse(path.as_bytes());
    let response = format!("{} {} {:016x}", path, request.len(), digest);
    let _ = tx.send(response).await;
}

fn main() {
    let n_tasks: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("N_TASKS must be a number"))
        .unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    let (checksum, kept) = runtime.block_on(async move {
        let (tx, mut rx) = mpsc::channel::<String>(1024);
        let collector = tokio::spawn(async move {
            let mut window: std::collections::VecDeque<String> =
                std::collections::VecDeque::with_capacity(WINDOW);
            let mut checksum = 0u64;
            while let Some(response) = rx.recv().await {
                checksum = checksum.wrapping_add(response.len() as u64);
                if window.len() == WINDOW {
                    window.pop_front();
                }
                window.push_back(response);
            }
            (checksum, window.len())
        });
        let mut next = 0;
        while next < n_tasks {
            let wave: Vec<_> = (next..(next + WAVE).min(n_tasks))
                .map(|id| tokio::spawn(handle(id, tx.clone())))
                .collect();
            for task in wave {
                task.await.expect("task");
            }
            next += WAVE;
        }
        drop(tx);
        collector.await.expect("collector")
    });
    println!("tokio-tasks: {} tasks, checksum {}, {} kept", n_tasks, checksum, kept);
}
