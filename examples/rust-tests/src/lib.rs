//! order-book: exact heap counts asserted from `cargo test`, in parallel
//! test threads, with the heaphunt crate (bindings/rust/heaphunt).
//!
//! The code under test is a small order book whose every allocation is
//! derivable by hand (sizes checked by the `assert_eq!`s in the tests):
//!
//!   size_of::<Order>()      = 24: id 8 + price 8 + quantity 4 + side 1,
//!                                 padded to a multiple of 8
//!   size_of::<Box<Order>>() =  8
//!
//!   OrderBook::with_capacity(n)  1 block of n * 8 bytes (Vec<Box<Order>>;
//!                                none for n = 0); never grows (add panics
//!                                when full)
//!   add(...)                     1 block of 24 bytes (the Box)
//!   cancel(id)                   frees that order's 24 bytes; moves the
//!                                later pointers down in place
//!   snapshot()                   1 block of len * 24 bytes (collect from
//!                                an iterator of known length allocates
//!                                exactly once), owned by the caller
//!   total_quantity(side)         allocates nothing
//!
//! Run the tests under heaphunt (from this directory; see README.md):
//!
//!   CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="../../vg-in-place -q \
//!       --heaphunt-out-file=target/heaphunt.%p.json" cargo test --offline
//!
//! cargo test runs the tests in parallel threads (one per core by
//! default); each test's scope counts only its own thread, so the numbers
//! below are exact whatever runs beside it.  Run natively (plain
//! `cargo test`), the heap assertions are not checked and every test passes.

/// One resting order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: u64,
    pub price_cents: u64,
    pub quantity: u32,
    pub side: u8,
}

/// An order book of fixed capacity, one heap block per order.
pub struct OrderBook {
    orders: Vec<Box<Order>>,
}

impl OrderBook {
    pub fn with_capacity(capacity: usize) -> OrderBook {
        OrderBook { orders: Vec::with_capacity(capacity) }
    }

    pub fn add(&mut self, id: u64, price_cents: u64, quantity: u32, side: u8) {
        assert!(self.orders.len() < self.orders.capacity(), "order book full");
        self.orders.push(Box::new(Order { id, price_cents, quantity, side }));
    }

    pub fn cancel(&mut self, id: u64) -> bool {
        match self.orders.iter().position(|o| o.id == id) {
            Some(i) => {
                self.orders.remove(i);
                true
            }
            None => false,
        }
    }

    pub fn snapshot(&self) -> Vec<Order> {
        self.orders.iter().map(|o| **o).collect()
    }

    pub fn total_quantity(&self, side: u8) -> u64 {
        self.orders.iter().filter(|o| o.side == side).map(|o| o.quantity as u64).sum()
    }

    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaphunt::{assert_allocs, assert_delta, assert_live, assert_no_leaks, Scope};
    use std::mem::size_of;
    use std::panic;
    use std::ptr;
    use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn sizes_are_as_derived() {
        assert_eq!(size_of::<Order>(), 24);
        assert_eq!(size_of::<Box<Order>>(), 8);
    }

    #[test]
    fn add_allocates_one_box_per_order() {
        let scope = Scope::new();
        {
            let mut book = OrderBook::with_capacity(4);     // 4 * 8 = 32 bytes
            book.add(1, 10_050, 100, b'B');                 // 24 bytes each
            book.add(2, 10_075, 50, b'S');
            book.add(3, 10_025, 70, b'B');
            let live = scope.delta();
            assert_allocs!(live, 4, 32 + 3 * 24);
            assert_live!(live, 4, 104);
        }
        let d = scope.delta();                              // dropped: all freed
        assert_allocs!(d, 4, 104);
        assert_no_leaks!(d);
    }

    #[test]
    fn cancel_frees_the_order() {
        let mut book = OrderBook::with_capacity(2);
        book.add(1, 10_050, 100, b'B');
        book.add(2, 10_075, 50, b'S');
        let scope = Scope::new();
        assert!(book.cancel(1));
        // Nothing allocated; one order of 24 bytes freed.
        assert_delta!(scope, total_blocks == 0, total_bytes == 0, curr_blocks == -1,
                      curr_bytes == -24);
    }

    #[test]
    fn snapshot_is_one_block_owned_by_the_caller() {
        let mut book = OrderBook::with_capacity(8);
        for i in 0..5 {
            book.add(i, 10_000 + i, 10 * i as u32, b'S');
        }
        let scope = Scope::new();
        let snap = book.snapshot();                         // 5 * 24 = 120 bytes
        let d = scope.delta();
        assert_allocs!(d, 1, 120);
        assert_live!(d, 1, 120);
        assert_eq!(snap.len(), 5);
        drop(snap);
        assert_no_leaks!(scope);
    }

    #[test]
    fn total_quantity_allocates_and_writes_nothing() {
        let mut book = OrderBook::with_capacity(4);
        book.add(1, 10_050, 100, b'B');
        book.add(2, 10_075, 50, b'S');
        book.add(3, 10_025, 70, b'B');
        let scope = Scope::new();
        let total = book.total_quantity(b'B');
        // The filter reads each of the 3 Box pointers (8 bytes) and its
        // order's side (1 byte); the map reads the pointer again and the
        // quantity (4 bytes) of the 2 buy orders: 3 * 9 + 2 * 12 = 51
        // bytes of the heap, writing none.
        assert_delta!(scope, total_blocks == 0, writes_bytes == 0, reads_bytes == 51);
        assert_eq!(total, 170);
    }

    // Vec's growth policy: from empty, the first push of a 4-byte element
    // allocates room for 4 (16 bytes); the fifth doubles it to 8 (32 bytes)
    // with realloc, which counts as a new block of the new size, the old
    // one freed.
    #[test]
    fn vec_growth_is_two_blocks() {
        let scope = Scope::new();
        let mut v: Vec<u32> = Vec::new();
        for i in 0..5 {
            v.push(i);
        }
        let d = scope.delta();
        assert_allocs!(d, 2, 16 + 32);
        assert_live!(d, 1, 32);
        assert_eq!(v.capacity(), 8);
    }

    #[test]
    fn scopes_nest() {
        let outer = Scope::new();
        let mut book = OrderBook::with_capacity(2);         // 16 bytes
        let inner = Scope::new();
        book.add(7, 9_900, 5, b'B');                        // 24 bytes
        assert_allocs!(inner, 1, 24);
        assert_allocs!(outer, 2, 16 + 24);
        drop(book);
        assert_live!(inner, -1, -16);                       // the Vec was outer's
        assert_no_leaks!(outer);
    }

    // Another thread allocates all the while; this test's scope counts only
    // its own thread.  (The other tests of this file run in parallel threads
    // too, and no scope sees them either.)
    #[test]
    fn other_threads_allocations_do_not_count() {
        let stop = Arc::new(AtomicBool::new(false));
        let churned = Arc::new(AtomicUsize::new(0));
        let churn = {
            let (stop, churned) = (stop.clone(), churned.clone());
            thread::spawn(move || {
                while !stop.load(SeqCst) {
                    let block: Vec<u8> = Vec::with_capacity(100);
                    churned.fetch_add(1, SeqCst);
                    drop(block);
                }
            })
        };
        // A new thread may free blocks the spawning thread allocated for
        // it (its closure) as it starts, and does as it ends: the scopes
        // begin after the start and are read before the end.
        while churned.load(SeqCst) == 0 {
            thread::yield_now();
        }
        let mine = Scope::new();
        let everyone = Scope::process();
        let mut book = OrderBook::with_capacity(2);         // 16 bytes
        book.add(1, 10_050, 100, b'B');                     // 24 bytes
        // Let the other thread allocate at least 10 blocks meanwhile.
        let seen = churned.load(SeqCst);
        while churned.load(SeqCst) < seen + 10 {
            thread::yield_now();
        }
        let d = mine.delta();
        let all = everyone.delta();
        stop.store(true, SeqCst);
        churn.join().unwrap();
        assert_allocs!(d, 2, 40);
        assert_live!(d, 2, 40);
        if heaphunt::running_on_heaphunt() {
            assert!(all.total_blocks >= 2 + 10, "the process allocated {} blocks",
                    all.total_blocks);
        }
    }

    // A block belongs to the thread that allocated it: freed by another
    // thread, it leaves its allocator's live counts, and the freeing thread's
    // own counts do not change.
    #[test]
    fn a_block_freed_by_another_thread_is_its_allocators() {
        let slot = Arc::new(AtomicPtr::<Order>::new(ptr::null_mut()));
        let started = Arc::new(AtomicBool::new(false));
        let freed = Arc::new(AtomicBool::new(false));
        let measured = Arc::new(AtomicBool::new(false));
        let freer = {
            let (slot, started, freed, measured) =
                (slot.clone(), started.clone(), freed.clone(), measured.clone());
            thread::spawn(move || {
                started.store(true, SeqCst);
                let order = loop {
                    let p = slot.swap(ptr::null_mut(), SeqCst);
                    if !p.is_null() {
                        break p;
                    }
                    thread::yield_now();
                };
                let scope = Scope::new();
                // SAFETY: the test thread gave up the Box with into_raw.
                drop(unsafe { Box::from_raw(order) });
                let d = scope.delta();
                freed.store(true, SeqCst);
                // Ending, the thread frees blocks this test's thread
                // allocated for it (its closure): not before the test's
                // scope is read.
                while !measured.load(SeqCst) {
                    thread::yield_now();
                }
                d
            })
        };
        // Starting, the freer may free such blocks too: not after the
        // scope begins.
        while !started.load(SeqCst) {
            thread::yield_now();
        }
        let scope = Scope::new();
        let order = Box::new(Order { id: 1, price_cents: 100, quantity: 1, side: b'S' });
        slot.store(Box::into_raw(order), SeqCst);
        while !freed.load(SeqCst) {
            thread::yield_now();
        }
        let mine = scope.delta();
        measured.store(true, SeqCst);
        let theirs = freer.join().unwrap();
        assert_allocs!(mine, 1, 24);
        assert_no_leaks!(mine);
        assert_allocs!(theirs, 0, 0);
        assert_no_leaks!(theirs);
    }

    // What a failure says: the assertion, expected and got, and where.
    #[test]
    fn a_leak_is_reported_with_expected_got_and_where() {
        let scope = Scope::new();
        let leaked: &'static mut Order =
            Box::leak(Box::new(Order { id: 9, price_cents: 1, quantity: 1, side: b'B' }));
        let d = scope.delta();
        let (result, line) =
            (panic::catch_unwind(|| assert_no_leaks!(d)), line!());
        assert_eq!(leaked.id, 9);
        if !heaphunt::running_on_heaphunt() {
            assert!(result.is_ok());
            return;
        }
        let message = *result.unwrap_err().downcast::<String>().unwrap();
        let start = format!("heaphunt: live blocks left in d at {}:{}:", file!(), line);
        assert!(message.starts_with(&start), "{}", message);
        assert!(message.ends_with(": curr_blocks expected 0, got 1; curr_bytes expected 0, got 24"),
                "{}", message);
    }
}
