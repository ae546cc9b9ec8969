//! `ParkingWord`: a count of permits and one "someone may be waiting" bit
//! in a single atomic word, with a [`WaitQueue`] beside it. A `Semaphore`
//! is this word; a `Lock` is this word with at most one permit.

use super::{Backoff, Deadline, Signal, WaitQueue};
use crate::sync::{AtomicUsize, Ordering};

// ANCHOR: state
// The word: the number of free permits times two, plus one bit.
//
//   WAITERS clear: no thread is queued, or one that was is being woken.
//   WAITERS set:   some thread may be queued.
//
// take: permits > 0: one compare-and-swap takes a permit.
//       permits = 0: under the queue's lock, set WAITERS and queue up.
// give: one compare-and-swap adds the permits and clears WAITERS; if the
//       bit was set, wake up to that many queued threads.
// A woken thread takes a permit (or queues again) under the queue's lock,
// where it sees who is still queued: if anyone is, it sets WAITERS again,
// and if a permit is still free it wakes the next one. Nobody is left
// queued while a permit is free and the bit is clear.
// requeue (a lock's word only): a condition variable's notify, finding no
//       permit, sets WAITERS and moves its waiters into the queue asleep;
//       they take the permit as woken threads do.
const WAITERS: usize = 1;
const ONE: usize = 2;
// ANCHOR_END: state

/// Giving back permits would take the count past its limit; nothing
/// changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TooManyPermits;

/// Free permits and the threads waiting for one.
#[derive(Debug)]
pub(crate) struct ParkingWord {
    state: AtomicUsize,
    waiters: WaitQueue,
    /// What a step table says when a thread finds nothing to take and
    /// waits ("finds the lock taken; waits"): steps are recorded only in
    /// the model build.
    #[cfg(any(feature = "loom", feature = "play"))]
    waits: &'static str,
}

impl ParkingWord {
    /// The most permits a word can count.
    pub(crate) const MAX_PERMITS: usize = usize::MAX / ONE;

    /// A word with `permits` free permits and nobody waiting; `waits` is
    /// what the step tables say when a thread finds none and waits.
    ///
    /// # Panics
    /// If `permits` is more than [`MAX_PERMITS`](Self::MAX_PERMITS).
    pub(crate) fn new(permits: usize, waits: &'static str) -> Self {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        let _ = waits;
        assert!(
            permits <= Self::MAX_PERMITS,
            "at most usize::MAX / 2 permits fit in a semaphore, not {permits}"
        );
        ParkingWord {
            state: AtomicUsize::new(permits * ONE),
            waiters: WaitQueue::new(),
            #[cfg(any(feature = "loom", feature = "play"))]
            waits,
        }
    }

    /// Records, for the step tables, that this thread found nothing to
    /// take and waits (only the model build records steps).
    #[inline]
    fn step_waits(&self) {
        #[cfg(any(feature = "loom", feature = "play"))]
        crate::trace::note(self.waits, "");
    }

    // ANCHOR: take
    /// Takes a permit if there is one; never waits.
    #[inline]
    pub(crate) fn try_take(&self) -> bool {
        self.try_take_from(ONE).is_ok()
    }

    /// Takes a permit, waiting while there is none, until `deadline` if
    /// there is one; returns whether it took one.
    #[inline]
    pub(crate) fn take(&self, deadline: Option<&Deadline>) -> bool {
        match self.try_take_from(ONE) {
            Ok(()) => true,
            Err(seen) => self.take_slow(seen, deadline),
        }
    }

    /// Takes a permit if there is one, starting from a guess of the word
    /// (one atomic step when it is right); `Err` with the word as last
    /// seen if there is none.
    #[inline]
    fn try_take_from(&self, guess: usize) -> Result<(), usize> {
        let mut state = guess;
        while state >= ONE {
            match self.state.compare_exchange_weak(
                state,
                state - ONE,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(()),
                Err(now) => state = now,
            }
        }
        Err(state)
    }

    #[cold]
    fn take_slow(&self, seen: usize, deadline: Option<&Deadline>) -> bool {
        if self.spin() {
            return true;
        }
        self.take_queued(seen, deadline)
    }

    /// Takes a permit under the queue's lock, queueing up until there is
    /// one (or `deadline` passes). With `queued` other threads in the
    /// queue: take a permit if there is one (leaving WAITERS set exactly
    /// when someone is still queued), else set WAITERS and queue up, so
    /// that the next give sees the bit. `seen` is a guess of the word.
    fn take_queued(&self, seen: usize, deadline: Option<&Deadline>) -> bool {
        let mut guess = seen;
        let mut wake_next = false;
        let take_or_mark = |queued: usize| {
            let mut state = guess;
            guess = ONE; // once woken, most likely: a permit given back
            loop {
                let next = match (state >= ONE, queued > 0) {
                    (true, false) => (state - ONE) & !WAITERS,
                    (true, true) => (state - ONE) | WAITERS,
                    (false, _) => state | WAITERS,
                };
                match self.state.compare_exchange_weak(
                    state,
                    next,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        if state < ONE {
                            self.step_waits();
                        }
                        // Took one, and another is free for the next in line.
                        wake_next = queued > 0 && next >= ONE;
                        return state >= ONE;
                    }
                    Err(now) => state = now,
                }
            }
        };
        let took = self.waiters.wait_until(take_or_mark, deadline);
        if wake_next {
            self.waiters.wake(1);
        }
        took
    }
    // ANCHOR_END: take

    // ANCHOR: give
    /// Gives back `n` permits, waking up to `n` waiters, unless the count
    /// would pass `limit`: then `Err`, and nothing changes.
    ///
    /// # Panics
    /// If the count would pass [`MAX_PERMITS`](Self::MAX_PERMITS), before
    /// changing anything.
    #[inline]
    pub(crate) fn give(&self, n: usize, limit: usize) -> Result<(), TooManyPermits> {
        if n == 0 {
            return Ok(()); // nothing to add, nobody to wake: leave the bit alone
        }
        if limit == 1 && n == 1 {
            return self.give_the_one();
        }
        // A first guess, as in `try_take`: nobody waiting, and the count
        // `n` below the limit (a bounded semaphore getting back what was
        // taken), or at zero if there is no limit (the last permit back).
        let mut state = match limit {
            Self::MAX_PERMITS => 0,
            _ => (limit - n.min(limit)) * ONE,
        };
        loop {
            let permits = state / ONE;
            if n > Self::MAX_PERMITS - permits {
                overflow(permits, n);
            }
            if permits + n > limit {
                return Err(TooManyPermits);
            }
            match self.state.compare_exchange_weak(
                state,
                (state + n * ONE) & !WAITERS,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(before) => {
                    if before & WAITERS != 0 {
                        self.waiters.wake(n);
                    }
                    return Ok(());
                }
                Err(now) => state = now,
            }
        }
    }

    /// `give(1, 1)`, a lock's release, in one swap: a word that holds at
    /// most one permit is ONE when free and 0 or WAITERS when taken (a give
    /// clears the bit as it adds the permit), so writing ONE is the whole
    /// change, and finding ONE already there means it was not taken.
    #[inline]
    fn give_the_one(&self) -> Result<(), TooManyPermits> {
        let before = self.state.swap(ONE, Ordering::Release);
        if before >= ONE {
            return Err(TooManyPermits);
        }
        if before & WAITERS != 0 {
            self.waiters.wake(1);
        }
        Ok(())
    }
    // ANCHOR_END: give

    // ANCHOR: requeue
    /// For a condition variable's notify: if no permit is free (the lock is
    /// held), sets WAITERS and returns `true`: the notify may then move its
    /// waiters into this word's queue, and the give that frees the lock
    /// will wake them, one per give. `false` if a permit is free: the
    /// notify wakes its waiters itself. Run under the queue's lock (see
    /// [`WaitQueue::wake_or_move`]).
    pub(crate) fn mark_waiting_if_taken(&self) -> bool {
        let mut state = 0; // a guess: held, nobody queued
        loop {
            if state >= ONE {
                return false;
            }
            // Relaxed: the bit carries no data; what the queue holds is
            // published by the queue's lock.
            match self.state.compare_exchange_weak(
                state,
                state | WAITERS,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
    }

    /// This word's wait queue, for a condition variable's notify to move
    /// waiters into.
    pub(crate) fn queue(&self) -> &WaitQueue {
        &self.waiters
    }

    /// Takes a permit for a thread that a condition variable was waiting
    /// with, and that a notify may have moved into this word's queue
    /// (`stale` is the signal it waited on). Whether it was woken from
    /// here or not, it takes the permit the way a woken taker does, under
    /// the queue's lock, so that WAITERS is set again if others are
    /// queued; and it first takes out its own entry, if one was left.
    pub(crate) fn take_after_requeue(&self, stale: &Signal) {
        self.waiters.forget(stale);
        self.take_queued(ONE, None);
    }
    // ANCHOR_END: requeue

    /// The number of free permits right now.
    #[inline]
    pub(crate) fn permits(&self) -> usize {
        self.state.load(Ordering::Relaxed) / ONE
    }

    /// Before parking, tries to take a permit a few more times: spinning
    /// first (a lock is often held for a few instructions), then yielding
    /// the core ([`Backoff::short`]). A speed trick only; under loom it gives
    /// up at once.
    fn spin(&self) -> bool {
        let mut backoff = Backoff::short();
        while backoff.wait() {
            if self.permits() > 0 && self.try_take() {
                return true;
            }
        }
        false
    }
}

#[cold]
#[inline(never)]
fn overflow(permits: usize, n: usize) -> ! {
    panic!(
        "semaphore permits overflow: {permits} free permits and {n} more would pass the most a semaphore can count (usize::MAX / 2)"
    )
}
