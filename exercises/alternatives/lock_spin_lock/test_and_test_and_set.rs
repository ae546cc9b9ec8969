// test-and-test-and-set: wait while the lock looks taken, and only then try the `swap`.
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
        // "If it is false, make it true" as one indivisible step: of two
        // threads, only one can see `false`.
        while self.locked.swap(true, Ordering::Acquire) {
            trace::step("swaps: was locked = true", "");
            // Wait for the lock to look free before writing again.
            while self.locked.load(Ordering::Relaxed) {
                thread::yield_now();
            }
        }
        trace::step("takes the lock", "");
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_acquire(&self) -> bool {
        // `swap` writes `true` and returns what was there, in one step.
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
