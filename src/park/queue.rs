//! `WaitQueue`: the parking place every blocking primitive in this crate
//! builds on. A first-in-first-out list of parked threads, guarded by a
//! [`SpinLock`](crate::spin::SpinLock) of its own, plus the two things a
//! blocking primitive needs from it:
//!
//! - [`WaitQueue::wait_until`]: check a condition and, if it does not hold,
//!   join the queue, *both under the queue's lock*, then park; check again
//!   each time the thread is woken. Because the check and the enqueue are
//!   one step as far as a waker is concerned, a wake-up can never slip in
//!   between them and be lost.
//! - [`WaitQueue::wake`]: take up to n waiters off the front and unpark them.
//!
//! A waiter knows it was woken (and not just spuriously unparked) because
//! its ticket is no longer in the queue: only a waker removes tickets of
//! other threads.
//!
//! State machine of one waiter: *queued* (ticket in the queue, parked or
//! about to park) → *woken* (a waker removed the ticket) or *timed out* (the
//! waiter removed its own ticket after its deadline). No other transitions.

use std::collections::VecDeque;

use super::{Deadline, Signal};

/// The lock around each wait queue's list of parked threads.
///
/// In the ordinary build it is the crate's [`SpinLock`](crate::spin::SpinLock): its critical
/// sections are a push or a pop, far shorter than parking a thread.
/// In the model build it is loom's `Mutex`: loom explores a spin lock's
/// retry loop one spin at a time, which multiplies every model that parks a
/// thread (a two-thread, two-round lock model went from 640 executions to
/// 559,116 when measured), while it treats its own `Mutex` as one blocking
/// step. The spin lock itself is proved on its own, in the Lock chapter's
/// `model_spin_lock_mutual_exclusion`; the bigger models then rely on that.
#[cfg(not(feature = "loom"))]
type QueueLock<T> = crate::spin::SpinLock<T>;

#[cfg(feature = "loom")]
#[derive(Debug)]
struct QueueLock<T>(loom::sync::Mutex<T>);

#[cfg(feature = "loom")]
impl<T> QueueLock<T> {
    fn new(data: T) -> Self {
        QueueLock(loom::sync::Mutex::new(data))
    }

    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.lock().unwrap())
    }
}

#[derive(Debug)]
pub(crate) struct WaitQueue {
    queue: QueueLock<Queue>,
}

/// A waiter's place in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

#[derive(Debug, Default)]
struct Queue {
    next_ticket: u64,
    waiters: VecDeque<(Ticket, Signal)>,
}

impl WaitQueue {
    pub(crate) fn new() -> Self {
        WaitQueue {
            queue: QueueLock::new(Queue::default()),
        }
    }

    /// Runs `f` on the queue with its lock held. `f` is always short: a
    /// push, a pop, a search; no thread ever parks inside.
    fn locked<R>(&self, f: impl FnOnce(&mut Queue) -> R) -> R {
        self.queue.with(f)
    }

    // ANCHOR: wait_until
    /// Parks the calling thread until `ready` returns `true` or the
    /// deadline passes; returns whether `ready` did.
    ///
    /// `ready` runs under the queue's lock, at once and again each time the
    /// thread is woken, and is told how many other threads are queued. If
    /// it returns `false` the thread joins the queue in the same hold of
    /// the lock, so a waker that changes the state and then looks at the
    /// queue cannot miss it.
    pub(crate) fn wait_until(
        &self,
        mut ready: impl FnMut(usize) -> bool,
        deadline: Option<&Deadline>,
    ) -> bool {
        let me = Signal::new();
        loop {
            let ticket = self.locked(|q| (!ready(q.waiters.len())).then(|| q.push(me.clone())));
            match ticket {
                None => return true,
                Some(ticket) if !self.park(ticket, &me, deadline) => return false,
                Some(_) => {} // woken: check again
            }
        }
    }
    // ANCHOR_END: wait_until

    /// Takes out whatever entry `stale`'s thread left in this queue: for a
    /// thread that a condition variable's notify may have moved here
    /// ([`wake_or_move`](Self::wake_or_move)) and that is awake again.
    /// Left in, the entry could be woken in place of a thread that is
    /// really waiting.
    pub(crate) fn forget(&self, stale: &Signal) {
        self.locked(|q| q.forget(stale));
    }

    /// Joins the queue without parking yet; [`park`](Self::park) waits for
    /// the wake-up. For a caller that must register as a waiter *before* it
    /// lets go of something (a condition's lock), so that a waker that takes
    /// that thing after it cannot miss it.
    ///
    /// `admit` runs first, under the queue's lock, with the number of
    /// threads already queued; if it says no, nothing is queued and this
    /// returns `None`.
    pub(crate) fn enqueue(&self, admit: impl FnOnce(usize) -> bool) -> Option<(Ticket, Signal)> {
        let me = Signal::new();
        let ticket = self.locked(|q| admit(q.waiters.len()).then(|| q.push(me.clone())))?;
        Some((ticket, me))
    }

    // ANCHOR: park
    /// Parks until a waker takes `ticket` off the queue (`true`), or the
    /// deadline passes first (`false`, and the ticket has left the queue).
    pub(crate) fn park(&self, ticket: Ticket, me: &Signal, deadline: Option<&Deadline>) -> bool {
        loop {
            match deadline.map(Deadline::remaining) {
                None => me.wait(),
                Some(Some(left)) => me.wait_timeout(left),
                // Out of time: leave the queue, unless a waker already took
                // us off it, in which case the wake-up counts.
                Some(None) => return !self.locked(|q| q.remove(ticket)),
            }
            // A waker takes the ticket off the queue before it signals, so a
            // signal that came before the wait ends the wait at once.
            if !self.locked(|q| q.contains(ticket)) {
                return true;
            }
            // Woken by something else, or spuriously: wait again.
        }
    }
    // ANCHOR_END: park

    /// Wakes up to `n` waiters, oldest first. Returns how many it woke.
    pub(crate) fn wake(&self, n: usize) -> usize {
        let woken = self.locked(|q| q.take(n)).wake();
        // The play build: a woken thread may run before its waker goes on.
        #[cfg(feature = "play")]
        if woken > 0 {
            crate::sync::play::pause_labelled("(wakes a waiter)");
        }
        woken
    }

    /// A condition variable's notify: takes up to `n` waiters off the
    /// front, as [`wake`](Self::wake) does, but if there are any, first
    /// asks `onto` (under this queue's lock) for another queue and a test
    /// `move_them`, run under both locks. If `move_them` says yes, the
    /// waiters move to the back of that queue, still asleep, and whoever
    /// wakes that queue will wake them; else they are woken now. Returns
    /// how many were taken off this queue.
    ///
    /// `onto` runs only while a waiter is queued here, and everything it
    /// returns is used before this queue's lock is let go: a condition
    /// variable relies on that to reach a lock that its waiters keep
    /// alive.
    pub(crate) fn wake_or_move<'o, M: FnOnce() -> bool>(
        &self,
        n: usize,
        onto: impl FnOnce() -> (&'o WaitQueue, M),
    ) -> usize {
        let mut moved = 0;
        let woken = self.locked(|q| {
            let k = n.min(q.waiters.len());
            if k > 0 {
                let (other, move_them) = onto();
                other.locked(|o| {
                    if move_them() {
                        for (_, waiter) in q.waiters.drain(..k) {
                            o.push(waiter);
                        }
                        moved = k;
                    }
                });
            }
            q.take(n - moved)
        });
        moved + woken.wake()
    }

    /// How many threads are queued right now.
    pub(crate) fn len(&self) -> usize {
        self.locked(|q| q.waiters.len())
    }
}

/// Waiters taken off a queue, to be woken after its lock is let go.
enum Woken {
    None,
    One(Signal),
    Many(Vec<Signal>),
}

impl Woken {
    /// Wakes them; returns how many.
    fn wake(self) -> usize {
        match self {
            Woken::None => 0,
            Woken::One(waiter) => {
                waiter.wake();
                1
            }
            Woken::Many(all) => {
                all.iter().for_each(Signal::wake);
                all.len()
            }
        }
    }
}

impl Queue {
    fn push(&mut self, waiter: Signal) -> Ticket {
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        self.waiters.push_back((ticket, waiter));
        ticket
    }

    /// Takes up to `n` waiters off the front, to be woken once the lock is
    /// let go.
    fn take(&mut self, n: usize) -> Woken {
        match n.min(self.waiters.len()) {
            0 => Woken::None,
            // The common case, without allocating.
            1 => Woken::One(self.waiters.pop_front().expect("one is queued").1),
            k => Woken::Many(self.waiters.drain(..k).map(|(_, w)| w).collect()),
        }
    }

    /// Takes out every entry that wakes `waiter`'s thread.
    fn forget(&mut self, waiter: &Signal) {
        self.waiters
            .retain(|(_, w)| !w.wakes_same_thread_as(waiter));
    }

    fn contains(&self, ticket: Ticket) -> bool {
        self.waiters.iter().any(|&(t, _)| t == ticket)
    }

    fn remove(&mut self, ticket: Ticket) -> bool {
        match self.waiters.iter().position(|&(t, _)| t == ticket) {
            Some(i) => {
                self.waiters.remove(i);
                true
            }
            None => false,
        }
    }
}
