//! Broken twins of [`Semaphore`](crate::Semaphore) and
//! [`BoundedSemaphore`](crate::BoundedSemaphore) (model build only).
//!
//! Each is the real parking word (`src/park/word.rs`: free permits times
//! two, plus the WAITERS bit, and a wait queue) cut down to `acquire` and
//! `release`, with one line changed.

use crate::park::WaitQueue;
use crate::sync::{AtomicUsize, Ordering};

const WAITERS: usize = 1;
const ONE: usize = 2;

/// The word and its queue, with the real word's steps.
#[derive(Debug)]
struct Word {
    state: AtomicUsize,
    waiters: WaitQueue,
}

impl Word {
    fn new(permits: usize) -> Self {
        Word {
            state: AtomicUsize::new(permits * ONE),
            waiters: WaitQueue::new(),
        }
    }

    fn permits(&self) -> usize {
        self.state.load(Ordering::Relaxed) / ONE
    }

    /// The fast path: one compare-and-swap per try, while a permit is free.
    fn try_take(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state >= ONE {
            match self.state.compare_exchange(
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

    /// The real slow path, with the rule for the next state as a parameter:
    /// given (the word, threads still queued), the word after taking a
    /// permit or queueing.
    fn take_slow(&self, rule: impl Fn(usize, usize) -> usize) {
        let mut wake_next = false;
        self.waiters.wait_until(
            |queued| {
                let mut state = self.state.load(Ordering::Relaxed);
                loop {
                    let next = rule(state, queued);
                    match self.state.compare_exchange(
                        state,
                        next,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => {
                            wake_next = queued > 0 && next >= ONE;
                            return state >= ONE;
                        }
                        Err(now) => state = now,
                    }
                }
            },
            None,
        );
        if wake_next {
            self.waiters.wake(1);
        }
    }

    /// Adds `n` permits and clears WAITERS in one compare-and-swap; returns
    /// the word before.
    fn add(&self, n: usize) -> usize {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            match self.state.compare_exchange(
                state,
                (state + n * ONE) & !WAITERS,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(before) => return before,
                Err(now) => state = now,
            }
        }
    }

    /// The real give: add, and wake up to `n` if the bit was set.
    fn give(&self, n: usize) {
        if self.add(n) & WAITERS != 0 {
            self.waiters.wake(n);
        }
    }
}

/// The real word's rule: take a permit, leaving WAITERS set exactly when
/// someone is still queued; or set WAITERS to queue up.
fn real_rule(state: usize, queued: usize) -> usize {
    match (state >= ONE, queued > 0) {
        (true, false) => (state - ONE) & !WAITERS,
        (true, true) => (state - ONE) | WAITERS,
        (false, _) => state | WAITERS,
    }
}

macro_rules! common {
    ($name:ident) => {
        impl $name {
            /// A semaphore with `permits` permits.
            pub fn new(permits: usize) -> Self {
                $name(Word::new(permits))
            }
            /// The number of free permits.
            pub fn value(&self) -> usize {
                self.0.permits()
            }
        }
    };
}

/// Check-then-act on the count: the fast path loads the word, then stores
/// it one permit less, instead of one compare-and-swap.
#[derive(Debug)]
pub struct CheckThenAct(Word);
common!(CheckThenAct);

impl CheckThenAct {
    /// Looks, then takes: another thread can take the same permit.
    pub fn acquire(&self) {
        let state = self.0.state.load(Ordering::Acquire);
        if state >= ONE {
            self.0.state.store(state - ONE, Ordering::Relaxed);
            return;
        }
        self.0.take_slow(real_rule);
    }
    /// As the real `release_n`.
    pub fn release_n(&self, n: usize) {
        self.0.give(n);
    }
}

/// A give that does not wake: it clears WAITERS as it adds the permits,
/// but never looks in the queue (the real give wakes up to `n` when the
/// bit was set).
#[derive(Debug)]
pub struct GiveWithoutWake(Word);
common!(GiveWithoutWake);

impl GiveWithoutWake {
    /// As the real `acquire`.
    pub fn acquire(&self) {
        if !self.0.try_take() {
            self.0.take_slow(real_rule);
        }
    }
    /// Adds the permits, wakes nobody.
    pub fn release_n(&self, n: usize) {
        self.0.add(n);
    }
}

/// A woken taker clears WAITERS even when others are still queued (the
/// real word's rule sets it again): the next give does not wake them.
#[derive(Debug)]
pub struct WokenForgetsWaiters(Word);
common!(WokenForgetsWaiters);

impl WokenForgetsWaiters {
    /// The real `acquire`, with the wrong rule for a taker.
    pub fn acquire(&self) {
        if !self.0.try_take() {
            self.0.take_slow(|state, _queued| {
                if state >= ONE {
                    (state - ONE) & !WAITERS
                } else {
                    state | WAITERS
                }
            });
        }
    }
    /// As the real `release_n`.
    pub fn release_n(&self, n: usize) {
        self.0.give(n);
    }
}

/// A bounded semaphore that adds first and checks the limit after, taking
/// the permits back if they were too many (the real give checks, then adds,
/// in one compare-and-swap): for a moment the count is past the limit.
#[derive(Debug)]
pub struct BoundedCheckAfterAdd {
    word: Word,
    limit: usize,
}

impl BoundedCheckAfterAdd {
    /// `permits` permits, and (supposedly) never more.
    pub fn new(permits: usize) -> Self {
        BoundedCheckAfterAdd {
            word: Word::new(permits),
            limit: permits,
        }
    }
    /// As the real `acquire`.
    pub fn acquire(&self) {
        if !self.word.try_take() {
            self.word.take_slow(real_rule);
        }
    }
    /// Adds `n`, then refuses (and takes them back) if that passed the
    /// limit.
    pub fn release_n(&self, n: usize) -> bool {
        let before = self.word.add(n);
        if before / ONE + n > self.limit {
            self.word.state.fetch_sub(n * ONE, Ordering::Relaxed);
            return false;
        }
        if before & WAITERS != 0 {
            self.word.waiters.wake(n);
        }
        true
    }
    /// The number of free permits.
    pub fn value(&self) -> usize {
        self.word.permits()
    }
}
