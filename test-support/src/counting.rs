//! The counting global allocator: counts the allocations of armed threads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

thread_local! {
    /// Whether allocations on this thread are being counted.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    /// Allocations counted on this thread while armed.
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// Forwards to [`System`], counting the allocations of armed threads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counting;

fn note() {
    // `try_with`: the allocator also runs while thread-locals are being torn down.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            COUNT.with(|count| count.set(count.get() + 1));
        }
    });
}

#[expect(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one forwards"
)]
// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded precondition.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded precondition.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded precondition.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded precondition.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Returns `f`'s result and the number of allocations it made on this thread. Counts only
/// when [`Counting`] is the binary's global allocator (check with a test that allocates).
pub fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|count| count.set(0));
    ARMED.with(|armed| armed.set(true));
    let result = black_box(f());
    ARMED.with(|armed| armed.set(false));
    (result, COUNT.with(Cell::get))
}

/// Runs `f` `times` times and returns the number of allocations the runs made on this thread.
pub fn allocations_repeated<R>(times: usize, mut f: impl FnMut() -> R) -> usize {
    allocations(|| {
        for _ in 0..times {
            black_box(f());
        }
    })
    .1
}
