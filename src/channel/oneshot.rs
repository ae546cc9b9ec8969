//! A one-shot: a slot for one result, filled at most once by a [`Filler`],
//! waited for and taken through a [`OneShot`]. A manager's reply to one
//! call is one; so is a pool's `AsyncResult`.
//!
//! States: `Pending` → `Filled(value)` (by [`Filler::fill`]) → `Taken` (by
//! [`OneShot::take`]); or `Pending` → `Gone`, when the filler is dropped
//! unfilled (the thread that was to fill it ended, or dropped its work):
//! then every wait ends, and `take` says [`Gone`], so nobody waits for
//! ever. `Filled`, `Gone` and `Taken` are final but for `Filled → Taken`.

use std::sync::Arc;

use super::wait::wait_until;
use crate::condition::CondVar;
use crate::park::Deadline;
use crate::value::Value;

/// The filling side went away without filling the slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Gone;

/// A new, pending one-shot: the side that fills it, and the side that
/// waits for it.
pub(crate) fn oneshot<T: Send>() -> (Filler<T>, OneShot<T>) {
    let slot = Arc::new(Slot {
        state: Value::new(SlotState {
            outcome: Outcome::Pending,
            waiting: 0,
        }),
        filled: CondVar::named("filled"),
    });
    (
        Filler {
            slot: Some(Arc::clone(&slot)),
        },
        OneShot { slot },
    )
}

// ANCHOR: slot
/// What both sides share.
#[derive(Debug)]
struct Slot<T> {
    state: Value<SlotState<T>>,
    /// Waiters wait on it while the outcome is pending.
    filled: CondVar,
}

#[derive(Debug)]
struct SlotState<T> {
    outcome: Outcome<T>,
    /// Threads asleep on `filled`: the filler notifies only if any.
    waiting: usize,
}

#[derive(Debug)]
enum Outcome<T> {
    Pending,
    Filled(T),
    Gone,
    Taken,
}
// ANCHOR_END: slot

impl<T> SlotState<T> {
    fn is_ready(&self) -> bool {
        !matches!(self.outcome, Outcome::Pending)
    }
}

/// The side that fills the slot, once. Dropped unfilled, it resolves the
/// slot as [`Gone`].
#[derive(Debug)]
pub(crate) struct Filler<T: Send> {
    /// `None` once filled.
    slot: Option<Arc<Slot<T>>>,
}

impl<T: Send> Filler<T> {
    /// Fills the slot with `value` and wakes every waiter.
    pub(crate) fn fill(mut self, value: T) {
        if let Some(slot) = self.slot.take() {
            slot.resolve(Outcome::Filled(value));
        }
    }
}

impl<T: Send> Drop for Filler<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        if let Some(slot) = self.slot.take() {
            slot.resolve(Outcome::Gone);
        }
    }
}

impl<T: Send> Slot<T> {
    fn resolve(&self, outcome: Outcome<T>) {
        let mut state = self.state.get_lock();
        state.outcome = outcome;
        if state.waiting > 0 {
            self.filled.notify_all();
        }
    }
}

/// The side that waits for the slot and takes what it holds. It may be
/// shared: any number of threads may wait; one takes.
#[derive(Debug)]
pub(crate) struct OneShot<T: Send> {
    slot: Arc<Slot<T>>,
}

impl<T: Send> OneShot<T> {
    /// Waits until the slot is filled or gone, or `deadline` passes
    /// (`None`: for as long as it takes); returns whether it is.
    pub(crate) fn wait(&self, deadline: Option<&Deadline>) -> bool {
        let mut state = self.slot.state.get_lock();
        wait_until(
            &mut state,
            &self.slot.filled,
            |s| &mut s.waiting,
            SlotState::is_ready,
            || true, // no hint: each look takes the lock
            deadline,
        )
    }

    /// Whether the slot is filled or gone (or taken); never waits.
    pub(crate) fn is_ready(&self) -> bool {
        self.slot.state.get_lock().is_ready()
    }

    /// The value, taking it out (`Some(Ok)`); `Some(Err(Gone))` if the
    /// filler went away unfilled; `None` if it is pending, or was taken.
    pub(crate) fn take(&self) -> Option<Result<T, Gone>> {
        let mut state = self.slot.state.get_lock();
        match std::mem::replace(&mut state.outcome, Outcome::Taken) {
            Outcome::Filled(value) => Some(Ok(value)),
            Outcome::Gone => {
                state.outcome = Outcome::Gone;
                Some(Err(Gone))
            }
            other => {
                state.outcome = other;
                None
            }
        }
    }

    /// Waits for the value and takes it; `Err(Gone)` if the filler went
    /// away unfilled.
    ///
    /// # Panics
    /// If the value was taken before.
    pub(crate) fn recv(&self) -> Result<T, Gone> {
        self.wait(None);
        self.take().expect("a one-shot's value is taken once")
    }

    /// Looks at the outcome without taking it: `f(None)` while pending (or
    /// once taken), else `f(Some(Ok(&value)))` or `f(Some(Err(Gone)))`.
    pub(crate) fn peek<R>(&self, f: impl FnOnce(Option<Result<&T, Gone>>) -> R) -> R {
        let state = self.slot.state.get_lock();
        f(match &state.outcome {
            Outcome::Filled(value) => Some(Ok(value)),
            Outcome::Gone => Some(Err(Gone)),
            Outcome::Pending | Outcome::Taken => None,
        })
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use std::thread;
    use std::time::Duration;

    use super::*;

    #[test]
    fn filled_once_waited_for_and_taken_once() {
        let (filler, shot) = oneshot();
        assert!(!shot.is_ready());
        assert_eq!(shot.take(), None, "pending");
        assert!(!shot.wait(Some(&Deadline::after(Duration::from_millis(5)))));
        thread::scope(|s| {
            s.spawn(move || filler.fill(42));
            assert!(shot.wait(None));
        });
        assert!(shot.is_ready());
        assert_eq!(shot.peek(|o| o.map(|r| r.copied())), Some(Ok(42)));
        assert_eq!(shot.take(), Some(Ok(42)));
        assert_eq!(shot.take(), None, "taken");
        assert!(shot.is_ready() && shot.wait(None), "and stays ready");
    }

    #[test]
    fn a_filler_dropped_unfilled_resolves_it_as_gone() {
        let (filler, shot) = oneshot::<String>();
        let waiter = thread::spawn(move || shot.recv());
        thread::sleep(Duration::from_millis(5));
        drop(filler);
        assert_eq!(waiter.join().unwrap(), Err(Gone));
        let (filler, shot) = oneshot::<u8>();
        drop(filler);
        assert_eq!(shot.peek(|o| o.map(|r| r.copied())), Some(Err(Gone)));
        assert_eq!(shot.take(), Some(Err(Gone)));
        assert_eq!(shot.take(), Some(Err(Gone)), "gone stays gone");
    }
}
