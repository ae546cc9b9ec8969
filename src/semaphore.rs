//! `Semaphore` and `BoundedSemaphore`: Python's `threading.Semaphore` and
//! `threading.BoundedSemaphore`, built from the crate's parking word
//! (`src/park/word.rs`): the same word as the `Lock`, with as many permits
//! as the program asks for.
//!
//! States: the word's count of free permits (never below zero) and its
//! WAITERS bit. `acquire` takes a permit or parks; `release_n` adds `n`
//! permits and wakes up to `n` parked threads. A `BoundedSemaphore` is a
//! `Semaphore` whose releases stop at its initial value.

use std::time::Duration;

use crate::error::ReleaseError;
use crate::guard::{Guard, RawLock};
use crate::park::{Deadline, ParkingWord};

/// A counter of permits, as `threading.Semaphore(n)`.
///
/// `acquire` takes a permit, waiting while there is none; `release` gives
/// one back, from any thread. The value never goes below zero, and a plain
/// `Semaphore` may be released above its initial value (see
/// [`BoundedSemaphore`] for one that refuses).
///
/// ```
/// use syncbook::Semaphore;
///
/// let sem = Semaphore::new(2);
/// assert!(sem.try_acquire());
/// assert!(sem.try_acquire());
/// assert!(!sem.try_acquire()); // value 0: acquire(False) fails at once
/// sem.release_n(2);
/// assert_eq!(sem.value(), 2);
/// {
///     let _permit = sem.guard(); // with sem:
///     assert_eq!(sem.value(), 1);
/// }
/// assert_eq!(sem.value(), 2);
/// ```
#[derive(Debug)]
pub struct Semaphore {
    word: ParkingWord,
}

impl std::panic::RefUnwindSafe for Semaphore {}

impl Default for Semaphore {
    /// `threading.Semaphore()`: one permit.
    fn default() -> Self {
        Semaphore::new(1)
    }
}

impl Semaphore {
    /// `threading.Semaphore(value)`: a semaphore with `value` permits.
    ///
    /// # Panics
    /// If `value` is more than `usize::MAX / 2`, the most it can count.
    pub fn new(value: usize) -> Self {
        Semaphore {
            word: ParkingWord::new(value, "finds no permit; waits"),
        }
    }

    // ANCHOR: acquire
    /// `sem.acquire(False)`: takes a permit if there is one; never blocks.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.word.try_take()
    }

    /// `sem.acquire()`: takes a permit, waiting while there is none.
    #[inline]
    pub fn acquire(&self) {
        self.word.take(None);
    }

    /// `sem.acquire(timeout=t)`: as `acquire`, but gives up after `timeout`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || self.word.take(Some(&Deadline::after(timeout)))
    }
    // ANCHOR_END: acquire

    // ANCHOR: release
    /// `sem.release()`: gives back one permit, waking a waiter if any.
    #[inline]
    pub fn release(&self) {
        self.release_n(1);
    }

    /// `sem.release(n)`: gives back `n` permits, letting up to `n` waiting
    /// threads through.
    ///
    /// # Panics
    /// If the value would pass `usize::MAX / 2`, the most a semaphore can
    /// count ("semaphore permits overflow"), before changing anything.
    #[inline]
    pub fn release_n(&self, n: usize) {
        if n > 0 {
            let unbounded = self.word.give(n, ParkingWord::MAX_PERMITS);
            debug_assert!(unbounded.is_ok(), "the limit is the most it can count");
        }
    }
    // ANCHOR_END: release

    /// `sem._value`: the number of free permits right now.
    pub fn value(&self) -> usize {
        self.word.permits()
    }

    /// `with sem:`: takes a permit, and gives it back when the guard is
    /// dropped, panics included.
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        Guard::lock(self)
    }
}

impl RawLock for Semaphore {
    type GuardMarker = ();

    fn lock(&self) {
        self.acquire();
    }

    fn unlock(&self) {
        self.release();
    }
}

/// A permit of a [`Semaphore`], given back when dropped.
pub type SemaphoreGuard<'a> = Guard<'a, Semaphore>;

/// A semaphore that refuses to go above its initial value, as
/// `threading.BoundedSemaphore(n)`.
///
/// ```
/// use syncbook::{BoundedSemaphore, ReleaseError};
///
/// let tray = BoundedSemaphore::new(2);
/// assert!(tray.try_acquire());
/// tray.release().unwrap();
/// assert_eq!(tray.release(), Err(ReleaseError::TooManyReleases)); // full
/// assert_eq!(tray.value(), 2); // unchanged
/// ```
#[derive(Debug)]
pub struct BoundedSemaphore {
    sem: Semaphore,
    limit: usize,
}

impl std::panic::RefUnwindSafe for BoundedSemaphore {}

impl BoundedSemaphore {
    /// `threading.BoundedSemaphore(value)`: `value` permits, and never more.
    pub fn new(value: usize) -> Self {
        BoundedSemaphore {
            sem: Semaphore::new(value),
            limit: value,
        }
    }

    /// As [`Semaphore::acquire`].
    pub fn acquire(&self) {
        self.sem.acquire()
    }

    /// As [`Semaphore::try_acquire`].
    pub fn try_acquire(&self) -> bool {
        self.sem.try_acquire()
    }

    /// As [`Semaphore::acquire_timeout`].
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.sem.acquire_timeout(timeout)
    }

    // ANCHOR: bounded
    /// `sem.release()`: `Err` (and no change) if the value is already at
    /// its initial value.
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.release_n(1)
    }

    /// `sem.release(n)`: all or nothing: `Err`, and no change, if `n` more
    /// permits would take the value past its initial value.
    pub fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        self.sem
            .word
            .give(n, self.limit)
            .map_err(|_| ReleaseError::TooManyReleases)
    }
    // ANCHOR_END: bounded

    /// `sem._value`
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// `with sem:`: a permit, given back when the guard is dropped.
    pub fn guard(&self) -> BoundedSemaphoreGuard<'_> {
        Guard::lock(self)
    }
}

impl RawLock for BoundedSemaphore {
    type GuardMarker = ();

    fn lock(&self) {
        self.acquire();
    }

    fn unlock(&self) {
        // Cannot pass the limit unless someone else released a permit they
        // did not take; then the refusal changes nothing, as wanted.
        let _ = self.release();
    }
}

/// A permit of a [`BoundedSemaphore`], given back when dropped.
pub type BoundedSemaphoreGuard<'a> = Guard<'a, BoundedSemaphore>;

/// The naive semaphore: read the count, then write it back one less.
pub mod naive {
    use crate::sync::{AtomicUsize, Ordering, thread};
    use crate::trace;

    // ANCHOR: naive
    /// Two threads can both read 1 and both write 0: two holders, one permit.
    #[derive(Debug)]
    pub struct ReadThenDecrement {
        count: AtomicUsize,
    }

    impl ReadThenDecrement {
        /// A semaphore with `permits` permits (supposedly).
        pub fn new(permits: usize) -> Self {
            ReadThenDecrement {
                count: AtomicUsize::new(permits),
            }
        }

        /// Waits for the count to read above 0, then writes it one less.
        pub fn acquire(&self) {
            loop {
                let count = self.count.load(Ordering::Acquire);
                trace::step("read count =", count);
                if count > 0 {
                    self.count.store(count - 1, Ordering::Relaxed);
                    trace::step("write count =", count - 1);
                    return;
                }
                thread::yield_now();
            }
        }

        /// Gives a permit back.
        pub fn release(&self) {
            let before = self.count.fetch_add(1, Ordering::Release);
            trace::step("release; count =", before + 1);
        }
    }
    // ANCHOR_END: naive

    impl ReadThenDecrement {
        /// The count, for the play scheduler's view of the state.
        #[cfg(any(feature = "loom", feature = "play"))]
        pub(crate) fn peek(&self) -> usize {
            self.count.load(Ordering::SeqCst)
        }
    }
}
