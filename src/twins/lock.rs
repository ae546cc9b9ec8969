//! Broken twins of [`Lock`](crate::Lock) (model build only).
//!
//! Each is the real lock's algorithm (the parking word of
//! `src/park/word.rs` with one permit: `ONE` when free, `0` or `WAITERS`
//! when held) cut down to `acquire` and `release`, with one line changed.

use crate::park::WaitQueue;
use crate::sync::{AtomicUsize, Ordering};

const WAITERS: usize = 1;
const ONE: usize = 2;

/// The state word and its wait queue, with the real lock's steps; each twin
/// uses all of them but one.
#[derive(Debug)]
struct Word {
    state: AtomicUsize,
    waiters: WaitQueue,
}

impl Word {
    fn new() -> Self {
        Word {
            state: AtomicUsize::new(ONE),
            waiters: WaitQueue::new(),
        }
    }

    /// The fast path: one compare-and-swap from "free" to "held".
    fn try_take(&self) -> bool {
        self.state
            .compare_exchange(ONE, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Under the queue's lock: take the permit (WAITERS set exactly when
    /// others are still queued), or set WAITERS and queue up.
    fn take_or_mark(&self, queued: usize) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            let next = match (state >= ONE, queued > 0) {
                (true, false) => (state - ONE) & !WAITERS,
                (true, true) => (state - ONE) | WAITERS,
                (false, _) => state | WAITERS,
            };
            match self
                .state
                .compare_exchange(state, next, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return state >= ONE,
                Err(now) => state = now,
            }
        }
    }

    /// The real `take`: the fast path, else wait in the queue.
    fn take(&self) {
        if !self.try_take() {
            self.waiters
                .wait_until(|queued| self.take_or_mark(queued), None);
        }
    }

    /// The real release: put the permit back and clear WAITERS in one
    /// swap; wake one waiter if the bit was set.
    fn give(&self) {
        if self.state.swap(ONE, Ordering::Release) & WAITERS != 0 {
            self.waiters.wake(1);
        }
    }
}

/// Release is `Relaxed` instead of `Release` (`give_the_one`'s swap): the
/// holder's writes are not published to the next holder.
#[derive(Debug)]
pub struct RelaxedRelease(Word);

impl RelaxedRelease {
    /// A new, free lock.
    pub fn new() -> Self {
        RelaxedRelease(Word::new())
    }
    /// As the real `acquire`.
    pub fn acquire(&self) {
        self.0.take();
    }
    /// The real release, with the wrong ordering.
    pub fn release(&self) {
        if self.0.state.swap(ONE, Ordering::Relaxed) & WAITERS != 0 {
            self.0.waiters.wake(1);
        }
    }
}

/// Check-then-act: the fast path loads the word, then stores "held",
/// instead of one compare-and-swap (`try_take_from`).
#[derive(Debug)]
pub struct CheckThenAct(Word);

impl CheckThenAct {
    /// A new, free lock.
    pub fn new() -> Self {
        CheckThenAct(Word::new())
    }
    /// Looks, then takes: another thread can take it in between.
    pub fn acquire(&self) {
        if self.0.state.load(Ordering::Acquire) == ONE {
            self.0.state.store(0, Ordering::Relaxed);
            return;
        }
        let word = &self.0;
        word.waiters
            .wait_until(|queued| word.take_or_mark(queued), None);
    }
    /// As the real release.
    pub fn release(&self) {
        self.0.give();
    }
}

/// Lost wake-up: a waiter queues without setting WAITERS (`take_or_mark`'s
/// `state | WAITERS`), so the release does not look in the queue.
#[derive(Debug)]
pub struct WaiterBitNeverSet(Word);

impl WaiterBitNeverSet {
    /// A new, free lock.
    pub fn new() -> Self {
        WaiterBitNeverSet(Word::new())
    }
    /// Queues up, but leaves the word as it is.
    pub fn acquire(&self) {
        let word = &self.0;
        if word.try_take() {
            return;
        }
        word.waiters.wait_until(
            |_| {
                word.state
                    .compare_exchange(ONE, 0, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            },
            None,
        );
    }
    /// As the real release.
    pub fn release(&self) {
        self.0.give();
    }
}

/// Wakes before it gives the permit back (the real release swaps first,
/// then wakes), and gives it back with a plain store: the woken thread
/// finds no permit, queues again, and the store wipes out its WAITERS bit.
#[derive(Debug)]
pub struct WakesBeforeRelease(Word);

impl WakesBeforeRelease {
    /// A new, free lock.
    pub fn new() -> Self {
        WakesBeforeRelease(Word::new())
    }
    /// As the real `acquire`.
    pub fn acquire(&self) {
        self.0.take();
    }
    /// Wakes a waiter, then frees the lock.
    pub fn release(&self) {
        if self.0.state.load(Ordering::Relaxed) & WAITERS != 0 {
            self.0.waiters.wake(1);
        }
        self.0.state.store(ONE, Ordering::Release);
    }
}

impl Default for RelaxedRelease {
    fn default() -> Self {
        Self::new()
    }
}
impl Default for CheckThenAct {
    fn default() -> Self {
        Self::new()
    }
}
impl Default for WaiterBitNeverSet {
    fn default() -> Self {
        Self::new()
    }
}
impl Default for WakesBeforeRelease {
    fn default() -> Self {
        Self::new()
    }
}
