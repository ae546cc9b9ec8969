//! How every thread of the channel core waits: the speed trick, then a
//! counted sleep. One function, so that the rule is written once.
//!
//! The rule for waking: a thread about to sleep on a condition counts
//! itself, under the lock, in a counter kept for that condition; a thread
//! that changes the state notifies the condition only if its counter is
//! not zero. Most sends and receives find nobody asleep, and skip the
//! notify (which would look at the condition's own wait queue, under that
//! queue's lock). The count is lowered only when the waiter holds the lock
//! again, so a waiter that has been woken but has not yet looked counts
//! too: a notify is never skipped while someone may still need it.

use crate::condition::CondVar;
use crate::park::Deadline;
use crate::value::ValueGuard;

// ANCHOR: wait_until
/// Waits until `ready(state)` holds or the deadline passes, with `guard`
/// held on entry and on return; returns `ready`'s last answer.
///
/// First the speed trick ([`ValueGuard::spin_until`]): let go of the lock
/// and look again, spinning, then giving up the core, for up to about ten
/// microseconds (`park::Backoff::for_answer`). The thread that will make
/// `ready` true is often about to, on another core or on this one; then
/// neither thread pays for a sleep and a wake-up. While it
/// spins it looks only at `maybe_ready`, a [`Hint`], and takes the lock to
/// look at the state itself only when that says "maybe". (Not in the
/// model build, where it would only add interleavings.) Then the sleep on
/// `cond`, counted in `*sleepers(state)` while it lasts.
pub(crate) fn wait_until<S>(
    guard: &mut ValueGuard<'_, S>,
    cond: &CondVar,
    sleepers: fn(&mut S) -> &mut usize,
    ready: impl Fn(&S) -> bool,
    maybe_ready: impl Fn() -> bool,
    deadline: Option<&Deadline>,
) -> bool {
    if ready(guard) || guard.spin_until(maybe_ready, &ready) {
        return true;
    }
    *sleepers(guard) += 1;
    let ready = cond.wait_for_deadline(guard, ready, deadline);
    *sleepers(guard) -= 1;
    ready
}
// ANCHOR_END: wait_until

/// A speed trick beside a channel's lock: its number of items and its
/// closed flag, copied into an atomic after every change made under the
/// lock, so that a thread spinning before it sleeps can look without
/// taking the lock. (Taking the lock to look fights the very thread that
/// is about to make the change.) Only a hint: what the waiter does is
/// decided under the lock. Not in the model build, where nobody spins.
#[derive(Debug, Default)]
pub(crate) struct Hint {
    #[cfg(not(any(feature = "loom", feature = "play")))]
    word: std::sync::atomic::AtomicUsize,
}

#[cfg(not(any(feature = "loom", feature = "play")))]
const CLOSED: usize = 1 << (usize::BITS - 1);

impl Hint {
    /// Records the state just changed under the lock.
    #[inline]
    pub(crate) fn set(&self, len: usize, closed: bool) {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        self.word.store(
            len | if closed { CLOSED } else { 0 },
            std::sync::atomic::Ordering::Relaxed,
        );
        #[cfg(any(feature = "loom", feature = "play"))]
        let _ = (len, closed);
    }

    /// Whether a receive might find an item or the close now.
    #[inline]
    pub(crate) fn maybe_readable(&self) -> bool {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        return self.word.load(std::sync::atomic::Ordering::Relaxed) != 0;
        #[cfg(any(feature = "loom", feature = "play"))]
        true
    }

    /// Whether a send might find room (below `capacity`) or the close now.
    #[inline]
    pub(crate) fn maybe_writable(&self, capacity: Option<usize>) -> bool {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        {
            let word = self.word.load(std::sync::atomic::Ordering::Relaxed);
            word & CLOSED != 0 || capacity.is_none_or(|cap| word < cap)
        }
        #[cfg(any(feature = "loom", feature = "play"))]
        {
            let _ = capacity;
            true
        }
    }
}
