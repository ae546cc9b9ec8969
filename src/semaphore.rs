//! `Semaphore` and `BoundedSemaphore`: Python's `threading.Semaphore` and
//! `threading.BoundedSemaphore`, built from one atomic word and the crate's
//! wait queue, like the `Lock`.

use std::time::Duration;

use crate::error::ReleaseError;
use crate::sync::{AtomicUsize, Deadline, Ordering};
use crate::waitqueue::WaitQueue;

// ANCHOR: state
// The state word: the value (free permits) times two, plus one bit.
//
//   WAITERS clear: nobody is queued; a release wakes nobody.
//   WAITERS set:   some thread may be queued; a release wakes as many
//                  waiters as permits it adds.
//
// acquire: value > 0: one compare-and-swap takes a permit.
//          value = 0: under the queue's lock, set WAITERS and queue up.
// release: one fetch_add adds the permits; if WAITERS was set, wake.
// The waker clears WAITERS, under the queue's lock, when the queue is empty.
const WAITERS: usize = 1;
const ONE: usize = 2;
// ANCHOR_END: state

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
    state: AtomicUsize,
    waiters: WaitQueue,
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
    pub fn new(value: usize) -> Self {
        Semaphore {
            state: AtomicUsize::new(Self::units(value)),
            waiters: WaitQueue::new(),
        }
    }

    fn units(permits: usize) -> usize {
        permits
            .checked_mul(ONE)
            .expect("a semaphore holds fewer than usize::MAX / 2 permits")
    }

    // ANCHOR: acquire
    /// `sem.acquire(False)`: takes a permit if there is one; never blocks.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state >= ONE {
            match self.state.compare_exchange_weak(
                state,
                state - ONE,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// `sem.acquire()`: takes a permit, waiting while there is none.
    #[inline]
    pub fn acquire(&self) {
        if !self.try_acquire() {
            self.acquire_slow(None);
        }
    }

    /// `sem.acquire(timeout=t)`: as `acquire`, but gives up after `timeout`.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || self.acquire_slow(Some(&Deadline::after(timeout)))
    }

    #[cold]
    fn acquire_slow(&self, deadline: Option<&Deadline>) -> bool {
        // Under the queue's lock: take a permit if there is one, else mark
        // WAITERS and queue up, so that the next release sees the mark.
        let take_or_mark = || {
            let mut state = self.state.load(Ordering::Relaxed);
            loop {
                let (next, took) = if state >= ONE {
                    (state - ONE, true)
                } else {
                    (state | WAITERS, false)
                };
                match self.state.compare_exchange_weak(
                    state,
                    next,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return took,
                    Err(now) => state = now,
                }
            }
        };
        self.waiters.wait_until(take_or_mark, deadline)
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
    #[inline]
    pub fn release_n(&self, n: usize) {
        if n > 0 {
            let before = self.state.fetch_add(Self::units(n), Ordering::Release);
            self.woke_after_release(before, n);
        }
    }

    fn woke_after_release(&self, before: usize, n: usize) {
        if before & WAITERS != 0 {
            self.waiters.wake_and(n, |still_queued| {
                if still_queued == 0 {
                    self.state.fetch_and(!WAITERS, Ordering::Relaxed);
                }
            });
        }
    }
    // ANCHOR_END: release

    /// `sem._value`: the number of free permits right now.
    pub fn value(&self) -> usize {
        self.state.load(Ordering::Relaxed) / ONE
    }

    /// `with sem:`: takes a permit, and gives it back when the guard is
    /// dropped, panics included.
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.acquire();
        SemaphoreGuard { sem: self }
    }

    /// Adds `n` permits unless the value would pass `limit`: all or nothing.
    fn release_bounded(&self, n: usize, limit: usize) -> Result<(), ReleaseError> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            let value = state / ONE;
            if n > limit.saturating_sub(value) {
                return Err(ReleaseError::TooManyReleases);
            }
            match self.state.compare_exchange_weak(
                state,
                state + Self::units(n),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(before) => {
                    self.woke_after_release(before, n);
                    return Ok(());
                }
                Err(now) => state = now,
            }
        }
    }
}

/// A permit of a [`Semaphore`], given back when dropped.
#[derive(Debug)]
#[must_use = "the permit is given back as soon as the guard is dropped"]
pub struct SemaphoreGuard<'a> {
    sem: &'a Semaphore,
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.sem.release();
    }
}

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
        self.sem.release_bounded(n, self.limit)
    }
    // ANCHOR_END: bounded

    /// `sem._value`
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// `with sem:`: a permit, given back when the guard is dropped.
    pub fn guard(&self) -> BoundedSemaphoreGuard<'_> {
        self.acquire();
        BoundedSemaphoreGuard { sem: self }
    }
}

/// A permit of a [`BoundedSemaphore`], given back when dropped.
#[derive(Debug)]
#[must_use = "the permit is given back as soon as the guard is dropped"]
pub struct BoundedSemaphoreGuard<'a> {
    sem: &'a BoundedSemaphore,
}

impl Drop for BoundedSemaphoreGuard<'_> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        // Cannot pass the limit unless someone else released a permit they
        // did not take; then the refusal changes nothing, as wanted.
        let _ = self.sem.release();
    }
}

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
                let count = self.count.load(Ordering::SeqCst);
                trace::step("read count =", count);
                if count > 0 {
                    self.count.store(count - 1, Ordering::SeqCst);
                    trace::step("write count =", count - 1);
                    return;
                }
                thread::yield_now();
            }
        }

        /// Gives a permit back.
        pub fn release(&self) {
            let before = self.count.fetch_add(1, Ordering::SeqCst);
            trace::step("release; count =", before + 1);
        }
    }
    // ANCHOR_END: naive
}
