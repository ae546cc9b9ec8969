// Wrong: `acquire` takes the lock in one step, but `try_acquire` still reads, then writes.
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
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            trace::step("finds it locked; yields", "");
            thread::yield_now();
        }
        trace::step("takes the lock", "");
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_acquire(&self) -> bool {
        // `swap` writes `true` and returns what was there, in one step.
        let was_locked = self.locked.load(Ordering::Acquire);
        trace::step("tries: reads locked =", was_locked);
        if was_locked {
            return false;
        }
        self.locked.store(true, Ordering::Relaxed);
        trace::step("writes locked =", true);
        true
    }

    /// Frees the lock.
    pub fn release(&self) {
        self.locked.store(false, Ordering::Release);
        trace::step("writes locked =", false);
    }
}
