// A test-and-set lock: `swap(true)` until it returns `false`.
use super::kit::sync::{AtomicBool, Ordering};
use super::kit::{thread, trace};

/// A lock that waits by spinning: `locked` is `true` while it is held.
#[derive(Debug)]
pub struct SpinLock {
    locked: AtomicBool,
}

impl SpinLock {
    /// A new, unlocked lock.
    pub fn new() -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
        }
    }

    /// Waits until the lock is free, then takes it.
    pub fn acquire(&self) {
        while self.locked.swap(true, Ordering::Acquire) {
            trace::step("swaps: was locked = true; yields", "");
            thread::yield_now();
        }
        trace::step("swaps: was locked = false; takes the lock", "");
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_acquire(&self) -> bool {
        let was_locked = self.locked.swap(true, Ordering::Acquire);
        trace::step("tries: was locked =", was_locked);
        !was_locked
    }

    /// Frees the lock.
    pub fn release(&self) {
        self.locked.store(false, Ordering::Release);
        trace::step("writes locked =", false);
    }
}
