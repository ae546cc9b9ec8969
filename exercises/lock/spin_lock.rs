/*
// ANCHOR: statement
**Finish the spin lock.** `SpinLock` is a lock made of one `AtomicBool`,
`true` while some thread holds it. As written, `acquire` and `try_acquire`
read the flag and then write it: two steps, and another thread can act
between them. Fix both so that:

- at most one thread is ever between `acquire` and `release`;
- `try_acquire` takes the lock and returns `true` only if it was free, and
  of two threads trying at once, at most one wins.

While waiting, spin with `kit::thread::yield_now()` between tries (loom
needs it to explore a waiting loop, and it is polite on real threads).
// ANCHOR_END: statement
*/
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
        loop {
            // TODO: two threads can both read `false` here, and both go in.
            // Read and write in one atomic step.
            let was_locked = self.locked.load(Ordering::Acquire);
            trace::step("reads locked =", was_locked);
            if !was_locked {
                self.locked.store(true, Ordering::Relaxed);
                trace::step("writes locked =", true);
                return;
            }
            thread::yield_now();
        }
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_acquire(&self) -> bool {
        // TODO: the same race as in `acquire`.
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
