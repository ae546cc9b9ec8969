//! `Lock`: Python's `threading.Lock`, built from the crate's parking word
//! (`src/park/word.rs`) with at most one permit: the lock is free when
//! its one permit is there to take.

use std::time::Duration;

use crate::error::ReleaseError;
use crate::guard::{Guard, RawLock};
use crate::park::{Deadline, ParkingWord};

// ANCHOR: states
// The lock is a parking word (a count of permits and a WAITERS bit) that
// never holds more than one permit. Three states:
//
//   UNLOCKED   1 permit, WAITERS clear: nobody holds it or waits.
//   LOCKED     0 permits, WAITERS clear: held; nobody is parked.
//   CONTENDED  0 permits, WAITERS set: held; some thread may be parked.
//
//   UNLOCKED  --acquire (one compare-and-swap)-----------------> LOCKED
//   LOCKED    --release (one swap)-------------------------------> UNLOCKED
//   LOCKED    --a thread finds no permit: sets WAITERS, parks---> CONTENDED
//   LOCKED    --a condition's notify moves its waiters here-----> CONTENDED
//   CONTENDED --release (one swap, then wakes one waiter)-------> UNLOCKED
//   UNLOCKED  --the woken thread takes it: if others are still
//               queued ------------------------------------------> CONTENDED
//               else --------------------------------------------> LOCKED
//
// (A permit with WAITERS set never happens here: a release clears the bit
// as it puts the permit back.) A release that finds the permit already
// there is an error: the lock was not held.
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
    /// One permit when free, none when held.
    word: ParkingWord,
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
            word: ParkingWord::new(1, "finds the lock taken; waits"),
        }
    }

    // ANCHOR: fast
    /// `lock.acquire()`: blocks until the lock is free, then takes it.
    #[inline]
    pub fn acquire(&self) {
        self.word.take(None);
    }

    /// `lock.acquire(False)`: takes the lock if it is free; never blocks.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.word.try_take()
    }

    /// `lock.acquire(timeout=t)`: as `acquire`, but gives up after `timeout`
    /// and returns `false`. The lock is left as it was.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || self.word.take(Some(&Deadline::after(timeout)))
    }

    /// `lock.release()`: frees the lock, waking one waiter if there is one.
    /// Any thread may release. `Err` if the lock was not locked.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        // At most one permit: a second one would mean it was not held.
        self.word.give(1, 1).map_err(|_| ReleaseError::Unlocked)
    }
    // ANCHOR_END: fast

    /// `lock.locked()`: whether some thread holds the lock right now.
    #[inline]
    pub fn locked(&self) -> bool {
        self.word.permits() == 0
    }

    /// The parking word underneath, for a condition variable waiting with
    /// this lock.
    pub(crate) fn word(&self) -> &ParkingWord {
        &self.word
    }

    /// `with lock:`: acquires, and releases when the guard is dropped, even
    /// if the code holding it panics.
    pub fn guard(&self) -> LockGuard<'_> {
        Guard::lock(self)
    }
}

impl RawLock for Lock {
    type GuardMarker = ();

    fn lock(&self) {
        self.acquire();
    }

    fn unlock(&self) {
        // Only fails if another thread released the lock under our feet
        // (Python allows that); the lock is then unlocked, as wanted.
        let _ = self.release();
    }
}

/// Holds a [`Lock`] until dropped (Python's `with lock:` block).
pub type LockGuard<'a> = Guard<'a, Lock>;

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

    impl FlagLock {
        /// The flag, for the play scheduler's view of the state.
        #[cfg(any(feature = "loom", feature = "play"))]
        pub(crate) fn peek(&self) -> bool {
            self.locked.load(Ordering::SeqCst)
        }
    }

    impl Default for FlagLock {
        fn default() -> Self {
            FlagLock::new()
        }
    }
}
