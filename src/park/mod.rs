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
//! [`backoff`] is the one place where threads spin before they sleep (a
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

/// One round of waiting before a thread goes to sleep: busy-waiting for the
/// first seven rounds, 1, 2, 4, ... 64 spins (the other thread is likely
/// running on another core and about to finish), then giving up the core
/// for four (it may be waiting for it). Returns `false`, without waiting,
/// once the rounds are used up: time to park. Parking costs a system call
/// each way, and on a virtual machine waking a sleeping core can take tens
/// of microseconds; this is cheaper when the other side answers within a
/// few microseconds. (The same schedule as crossbeam's `Backoff`. With a
/// shorter one, 60 spins and six yields, a pipe's echo on this book's
/// machine slept in about three round trips out of five; with this one,
/// from one in five to three in five, varying from run to run.)
///
/// Under loom it returns `false` at once: spinning would only add
/// interleavings, and the model explores the sleeping path.
#[inline]
pub(crate) fn backoff(round: u32) -> bool {
    #[cfg(not(feature = "loom"))]
    {
        match round {
            0..7 => (0..1 << round).for_each(|_| std::hint::spin_loop()),
            7..11 => std::thread::yield_now(),
            _ => return false,
        }
        true
    }
    #[cfg(feature = "loom")]
    {
        let _ = round;
        false
    }
}
