//! The parking core: how every blocking primitive in this crate waits.
//!
//! One mechanism, in three parts, each used by every primitive above it:
//!
//! - [`Signal`] and [`Deadline`] (`signal.rs`): how one thread sleeps and
//!   another wakes it, with or without a time limit.
//! - [`WaitQueue`] (`queue.rs`): a first-in-first-out list of sleeping
//!   threads, whose `wait_until` makes "check, and if not ready, join the
//!   queue" one step as far as any waker can tell, so no wake-up is lost.
//! - [`ParkingWord`] (`word.rs`): a count of permits and a "someone may be
//!   waiting" bit in one atomic word, with a wait queue beside it. A
//!   `Semaphore` is this word; a `Lock` is the same word with at most one
//!   permit.
//!
//! Higher up, `CondVar` waits in a `WaitQueue` of its own, and everything
//! else (`Condition`, `Event`, `Barrier`, `Queue`, the pipes, the pool)
//! waits through a `CondVar`. A notify made while the lock is held moves
//! its waiters from the `CondVar`'s queue into the lock's word
//! ([`WaitQueue::wake_or_move`], [`ParkingWord::mark_waiting_if_taken`]),
//! so that they wake when the lock is free, not before.
//!
//! [`Backoff`] is the one place where threads spin before they sleep (a
//! speed trick: no primitive needs it to be correct).
//!
//! In the model build, two things differ from the real build, both in
//! `signal.rs` and `queue.rs` and both said there: a sleeping thread waits
//! on a loom `Notify` made for that one wait instead of its park token,
//! and the queue's own lock is loom's `Mutex` instead of the spin lock.

mod queue;
mod signal;
mod word;

pub(crate) use queue::WaitQueue;
pub(crate) use signal::{Deadline, Signal};
pub(crate) use word::ParkingWord;

/// How a thread waits a little before it goes to sleep: a speed trick, the
/// one place where threads spin (no primitive needs it to be correct).
/// Parking costs a system call each way, and on a virtual machine the
/// woken thread may start running only tens of microseconds after the
/// wake; when the other thread answers sooner than that, looking again a
/// few times is cheaper than a sleep and a wake-up for both.
///
/// Each round first busy-waits, 1, 2, 4, ... 64 spins (the other thread is
/// likely running on another core and about to finish), then gives up the
/// core (it may be waiting for it). Two schedules:
///
/// - [`Backoff::short`], for a lock: four rounds of giving up the core,
///   then sleep (crossbeam's `Backoff` schedule). A lock is held for a few
///   instructions; a longer wait means the holder is not running.
/// - [`Backoff::for_answer`], for a channel's waiter, whose item or room
///   comes from another thread's next step (a reply, the next `put`): the
///   short schedule's rounds, then more of giving up the core until
///   [`ANSWER_WINDOW`] has passed since the first. On this book's
///   machine a pipe's round trip and a bounded queue's hand-off slept once
///   in a few messages with the short schedule, both sides in turn (the
///   other side's answer came just after the window); with this one they
///   seldom sleep. Its cost: a waiter that will not be answered soon burns
///   that much of a core before it sleeps.
///
/// Under loom and in the play build, [`Backoff::wait`] says "sleep" at once: spinning would only
/// add interleavings, and the model explores the sleeping path.
#[derive(Debug)]
pub(crate) struct Backoff {
    round: u32,
    /// `None`: the short schedule; else how long to keep yielding.
    window: Option<std::time::Duration>,
    /// When the yielding rounds end, once they have begun.
    yield_until: Option<std::time::Instant>,
}

/// How long a channel's waiter keeps giving up the core before it sleeps.
pub(crate) const ANSWER_WINDOW: std::time::Duration = std::time::Duration::from_micros(10);

/// Busy-waiting rounds, then rounds of giving up the core.
const SPIN_ROUNDS: u32 = 7;
const SHORT_YIELD_ROUNDS: u32 = 4;

impl Backoff {
    /// The schedule for a lock.
    pub(crate) fn short() -> Self {
        Self::new(None)
    }

    /// The schedule for a wait on another thread's next step.
    pub(crate) fn for_answer() -> Self {
        Self::new(Some(ANSWER_WINDOW))
    }

    fn new(window: Option<std::time::Duration>) -> Self {
        Backoff {
            round: 0,
            window,
            yield_until: None,
        }
    }

    /// One round of waiting; `false`, without waiting, once the schedule
    /// is used up: time to sleep.
    #[inline]
    pub(crate) fn wait(&mut self) -> bool {
        if cfg!(any(feature = "loom", feature = "play")) {
            return false;
        }
        let round = self.round;
        self.round += 1;
        if round < SPIN_ROUNDS {
            (0..1 << round).for_each(|_| std::hint::spin_loop());
            return true;
        }
        // Never fewer rounds than the short schedule; a channel's waiter
        // then goes on until its window has passed.
        let more = round < SPIN_ROUNDS + SHORT_YIELD_ROUNDS
            || self.window.is_some_and(|window| {
                let now = std::time::Instant::now();
                now < *self.yield_until.get_or_insert(now + window)
            });
        if more {
            std::thread::yield_now();
        }
        more
    }
}
