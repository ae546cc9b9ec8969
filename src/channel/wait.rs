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
/// and look again a few times, over a microsecond or so. The thread that
/// will make `ready` true is often running on another core and does so in
/// that time; then neither thread pays for a sleep and a wake-up. (Not in
/// the model build, where it would only add interleavings.) Then the sleep
/// on `cond`, counted in `*sleepers(state)` while it lasts.
pub(crate) fn wait_until<S>(
    guard: &mut ValueGuard<'_, S>,
    cond: &CondVar,
    sleepers: fn(&mut S) -> &mut usize,
    ready: impl Fn(&S) -> bool,
    deadline: Option<&Deadline>,
) -> bool {
    if ready(guard) || guard.spin_until(&ready) {
        return true;
    }
    *sleepers(guard) += 1;
    let ready = cond.wait_for_deadline(guard, ready, deadline);
    *sleepers(guard) -= 1;
    ready
}
// ANCHOR_END: wait_until
