//! `Lock`: Python's `threading.Lock`, built from one atomic state word and
//! the crate's wait queue of parked threads (`src/waitqueue.rs`).

use std::time::Duration;

use crate::error::ReleaseError;
use crate::sync::{AtomicU8, Deadline, Ordering};
use crate::waitqueue::WaitQueue;

// ANCHOR: states
// The state word. Its transitions:
//
//   UNLOCKED --acquire (one CAS)--------------------------> LOCKED
//   LOCKED   --release (one swap, wakes nobody)-----------> UNLOCKED
//   LOCKED   --a thread that must wait marks it-----------> CONTENDED
//   CONTENDED --release (one swap, then wakes one waiter)--> UNLOCKED
//   UNLOCKED --a woken or late thread takes it-------------> CONTENDED
//
// CONTENDED means "locked, and some thread may be parked": the only state
// whose release has to look at the wait queue. A thread that had to wait
// takes the lock as CONTENDED, since others may still be queued behind it.
const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;
const CONTENDED: u8 = 2;
// ANCHOR_END: states

/// A mutual-exclusion lock, as Python's `threading.Lock`.
///
/// Not re-entrant, not owned: any thread may release it, as in Python.
/// `release` of an unlocked lock is an `Err`, not a panic.
///
/// ```
/// use syncbook::Lock;
///
/// let lock = Lock::new();
/// lock.acquire();
/// assert!(lock.locked());
/// assert!(!lock.try_acquire()); // acquire(False) on a held lock
/// lock.release().unwrap();
/// {
///     let _g = lock.guard(); // with lock:
///     assert!(lock.locked());
/// }
/// assert!(!lock.locked());
/// assert!(lock.release().is_err()); // release of an unlocked lock
/// ```
// ANCHOR: struct
#[derive(Debug)]
pub struct Lock {
    state: AtomicU8,
    waiters: WaitQueue,
}
// ANCHOR_END: struct

// A panic cannot leave a `Lock` half-changed: every change of its state is
// one atomic step, and a guard releases while unwinding. So a `&Lock` may
// cross `catch_unwind`, as a `&std::sync::Mutex` may.
impl std::panic::RefUnwindSafe for Lock {}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl Lock {
    /// A new, unlocked lock.
    pub fn new() -> Self {
        Lock {
            state: AtomicU8::new(UNLOCKED),
            waiters: WaitQueue::new(),
        }
    }

    // ANCHOR: fast
    /// `lock.acquire()`: blocks until the lock is free, then takes it.
    #[inline]
    pub fn acquire(&self) {
        if !self.try_acquire() {
            self.acquire_slow(None);
        }
    }

    /// `lock.acquire(False)`: takes the lock if it is free; never blocks.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// `lock.release()`: frees the lock, waking one waiter if there is one.
    /// Any thread may release. `Err` if the lock was not locked.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        match self.state.swap(UNLOCKED, Ordering::Release) {
            UNLOCKED => Err(ReleaseError::Unlocked),
            LOCKED => Ok(()),
            _ => {
                self.waiters.wake(1);
                Ok(())
            }
        }
    }
    // ANCHOR_END: fast

    /// `lock.acquire(timeout=t)`: as `acquire`, but gives up after `timeout`
    /// and returns `false`. The lock is left as it was.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || self.acquire_slow(Some(&Deadline::after(timeout)))
    }

    /// `lock.locked()`: whether some thread holds the lock right now.
    #[inline]
    pub fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UNLOCKED
    }

    /// `with lock:`: acquires, and releases when the guard is dropped, even
    /// if the code holding it panics.
    pub fn guard(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    // ANCHOR: slow
    #[cold]
    fn acquire_slow(&self, deadline: Option<&Deadline>) -> bool {
        if self.spin() {
            return true;
        }
        // Under the wait queue's lock: mark the lock CONTENDED; if it was
        // free, it is ours. If not, we are queued before anyone can release
        // and look at the queue, so the release cannot miss us. Woken, we
        // try again the same way.
        let taken = || self.state.swap(CONTENDED, Ordering::Acquire) == UNLOCKED;
        self.waiters.wait_until(taken, deadline)
    }
    // ANCHOR_END: slow

    /// Before parking, tries to take the lock a few more times: first
    /// spinning (a lock is often held for only a few instructions), then
    /// yielding the core (on a busy machine the holder may be waiting for
    /// it). Parking costs a system call each way; this is cheaper when the
    /// lock is passed back and forth quickly. Returns whether it got the lock.
    #[cfg(not(feature = "loom"))]
    fn spin(&self) -> bool {
        let mut round = 0;
        while crate::sync::backoff(round) {
            if self.state.load(Ordering::Relaxed) == UNLOCKED && self.try_acquire() {
                return true;
            }
            round += 1;
        }
        false
    }

    /// Under loom spinning would only add interleavings: park at once.
    #[cfg(feature = "loom")]
    fn spin(&self) -> bool {
        false
    }
}

/// Holds a [`Lock`] until dropped (Python's `with lock:` block).
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // Only fails if another thread released the lock under our feet
        // (Python allows that); the lock is then unlocked, as wanted.
        if crate::sync::abandoning_model_execution() {
            return;
        }
        let _ = self.lock.release();
    }
}

/// The naive lock: check a flag, then set it. Wrong, and the chapter's
/// model shows why.
pub mod naive {
    use crate::sync::{AtomicBool, Ordering, thread};
    use crate::trace;

    // ANCHOR: flaglock
    /// Looks like a lock; is not one. Two threads can both see `false`
    /// before either stores `true`; and nothing makes a thread's read see
    /// another's latest write, so one may see `false` even after.
    #[derive(Debug)]
    pub struct FlagLock {
        locked: AtomicBool,
    }

    impl FlagLock {
        /// A new, unlocked flag.
        pub fn new() -> Self {
            FlagLock {
                locked: AtomicBool::new(false),
            }
        }

        /// Waits for the flag to read `false`, then sets it.
        pub fn acquire(&self) {
            loop {
                let was_locked = self.locked.load(Ordering::Acquire);
                trace::step("read locked =", was_locked);
                if !was_locked {
                    self.locked.store(true, Ordering::Relaxed);
                    trace::step("write locked =", true);
                    return;
                }
                thread::yield_now(); // someone has it: try again
            }
        }

        /// Clears the flag.
        pub fn release(&self) {
            self.locked.store(false, Ordering::Release);
            trace::step("write locked =", false);
        }
    }
    // ANCHOR_END: flaglock

    impl Default for FlagLock {
        fn default() -> Self {
            FlagLock::new()
        }
    }
}
