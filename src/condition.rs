//! `Condition`: Python's `threading.Condition`, built from the crate's
//! [`Value`] (a `Lock` and the data it guards) and a wait queue with one
//! entry, and one wake-up, per waiting thread.
//!
//! The wait queue and its `wait`/`notify` are a type of their own,
//! [`CondVar`]: Python's `threading.Condition(lock)`, a condition on a lock
//! it shares. A [`Condition`] is a `Value` with one `CondVar`; a
//! [`Queue`](crate::Queue) is a `Value` with three.
//!
//! States of one waiting thread: *holding* the lock → *queued* (its ticket
//! in the wait queue, taken while it still holds the lock; then it lets the
//! lock go and sleeps) → *notified* (a notify took its ticket off: if the
//! lock was held then, the notify moved it, still asleep, into the lock's
//! own queue) or *timed out* (it took its own ticket off) → *holding*
//! again, once it has taken the lock back. (`Event`, in `event.rs`, is a
//! `Condition<bool>`.)

use std::time::Duration;

use crate::park::{Deadline, ParkingWord, WaitQueue};
use crate::trace;
use crate::value::{Value, ValueGuard};

// ANCHOR: struct
/// A condition variable with its own lock, as `threading.Condition()`.
///
/// In Python the state a condition is about lives somewhere else and the
/// lock is only a convention. Here the condition owns the state (`T`, which
/// is `()` for a bare condition): the guard is the only way to it, so the
/// state cannot be read or changed without the lock.
///
/// Each `wait` queues the thread *before* it lets go of the lock, so a
/// `notify` made under the lock after that cannot miss it; `notify(n)` wakes
/// at most `n` of the threads waiting at that moment; a notify with nobody
/// waiting is not remembered. There are no spurious wake-ups: `wait`
/// returns only when notified.
///
/// ```
/// use std::thread;
/// use syncbook::Condition;
///
/// let box_ = Condition::with_value(None);
/// thread::scope(|s| {
///     s.spawn(|| {
///         let mut slot = box_.guard();
///         *slot = Some(42);
///         box_.notify_all();
///     });
///     let mut slot = box_.guard();
///     box_.wait_for(&mut slot, |s| s.is_some()); // while box is None: wait()
///     assert_eq!(slot.take(), Some(42));
/// });
/// ```
#[derive(Debug)]
pub struct Condition<T = ()> {
    state: Value<T>,
    waiters: CondVar,
}
// ANCHOR_END: struct

impl Condition<()> {
    /// `threading.Condition()`: a condition with no state of its own.
    pub fn new() -> Self {
        Condition::with_value(())
    }
}

impl Default for Condition<()> {
    fn default() -> Self {
        Condition::new()
    }
}

impl<T: Send> Condition<T> {
    /// A condition guarding `state`.
    pub fn with_value(state: T) -> Self {
        Condition {
            state: Value::new(state),
            waiters: CondVar::new(),
        }
    }

    /// `with cond:`: takes the lock; the guard dereferences to the state
    /// and releases the lock when dropped, panics included.
    pub fn guard(&self) -> ConditionGuard<'_, T> {
        ConditionGuard(self.state.get_lock())
    }

    /// `cond.wait()`: lets go of the lock, sleeps until notified, and takes
    /// the lock again before returning.
    ///
    /// # Panics
    /// If `guard` belongs to another `Condition` (Python's "cannot wait on
    /// un-acquired lock").
    pub fn wait(&self, guard: &mut ConditionGuard<'_, T>) {
        self.mine(guard);
        self.waiters.wait(&mut guard.0);
    }

    /// `cond.wait(timeout)`: as `wait`, but gives up after `timeout`.
    /// Returns `false` only if the time ran out before a notify.
    pub fn wait_timeout(&self, guard: &mut ConditionGuard<'_, T>, timeout: Duration) -> bool {
        self.mine(guard);
        self.waiters.wait_timeout(&mut guard.0, timeout)
    }

    /// `cond.wait_for(predicate)`: waits until `predicate(&state)` holds,
    /// checking it under the lock, at once and after each wake-up.
    pub fn wait_for(
        &self,
        guard: &mut ConditionGuard<'_, T>,
        predicate: impl FnMut(&T) -> bool,
    ) -> bool {
        self.mine(guard);
        self.waiters.wait_for(&mut guard.0, predicate)
    }

    /// `cond.wait_for(predicate, timeout)`: as `wait_for`, with one total
    /// deadline for all the waits (a wake-up does not renew it). Returns
    /// the predicate's last value.
    pub fn wait_for_timeout(
        &self,
        guard: &mut ConditionGuard<'_, T>,
        predicate: impl FnMut(&T) -> bool,
        timeout: Duration,
    ) -> bool {
        self.mine(guard);
        self.waiters
            .wait_for_deadline(&mut guard.0, predicate, Some(&Deadline::after(timeout)))
    }

    /// `wait_for` with an optional deadline, shared by all its waits.
    pub(crate) fn wait_for_deadline(
        &self,
        guard: &mut ConditionGuard<'_, T>,
        predicate: impl FnMut(&T) -> bool,
        deadline: Option<&Deadline>,
    ) -> bool {
        self.mine(guard);
        self.waiters
            .wait_for_deadline(&mut guard.0, predicate, deadline)
    }

    fn mine(&self, guard: &ConditionGuard<'_, T>) {
        assert!(
            std::ptr::eq(guard.0.value(), &self.state),
            "Condition::wait with the guard of another Condition"
        );
    }
}

impl<T> Condition<T> {
    /// `cond.notify(n)`: wakes at most `n` of the threads waiting now,
    /// longest-waiting first.
    pub fn notify(&self, n: usize) {
        self.waiters.notify(n);
    }

    /// `cond.notify_all()`: wakes every thread waiting now.
    pub fn notify_all(&self) {
        self.waiters.notify_all();
    }

    /// How many threads are in `wait` right now (not in Python's API; for
    /// tests and demos that must know a thread has started waiting).
    pub fn n_waiting(&self) -> usize {
        self.waiters.n_waiting()
    }
}

/// A condition variable on a lock it shares, as Python's
/// `threading.Condition(lock)`: the waiting and notifying of a
/// [`Condition`], without a lock or state of its own.
///
/// It waits with the guard of any [`Value`]. Several `CondVar`s on one
/// `Value` let threads wait for different things about the same state, as
/// `queue.Queue` does with its `not_empty`, `not_full` and
/// `all_tasks_done` conditions on one mutex. Use each `CondVar` with one
/// `Value` only: a notify under another lock can come between a waiter's
/// look at its state and its wait. A `wait` with another `Value`'s guard
/// while threads wait with the first one's panics.
///
/// ```
/// use std::thread;
/// use syncbook::{CondVar, Value};
///
/// let slot = Value::new(None);
/// let filled = CondVar::new();
/// thread::scope(|s| {
///     s.spawn(|| {
///         *slot.get_lock() = Some("hello");
///         filled.notify(1);
///     });
///     let mut g = slot.get_lock();
///     filled.wait_for(&mut g, |s| s.is_some());
///     assert_eq!(g.take(), Some("hello"));
/// });
/// ```
#[derive(Debug)]
pub struct CondVar {
    waiters: WaitQueue,
    /// The address of the lock (its parking word) of the `Value` whose
    /// guard the waiting threads came with, written and read under the wait
    /// queue's lock. While threads wait, a wait with another `Value`'s
    /// guard panics, as parking_lot's `Condvar` does, and a notify may move
    /// the waiters into this lock's queue. Only ever read under the wait
    /// queue's lock, so a plain `std` atomic even in the model build.
    lock: std::sync::atomic::AtomicUsize,
    /// What the waiters wait for, for the book's step tables only.
    #[cfg_attr(not(any(feature = "loom", feature = "play")), allow(dead_code))]
    name: &'static str,
}

impl Default for CondVar {
    fn default() -> Self {
        CondVar::new()
    }
}

impl CondVar {
    /// A condition variable with nobody waiting.
    pub fn new() -> Self {
        CondVar::named("")
    }

    /// A condition variable whose waits and notifies carry `name` in the
    /// model checker's step tables ("waits on not_full"), for code with
    /// several condition variables on one lock. Otherwise as `new`.
    ///
    /// ```
    /// use syncbook::CondVar;
    ///
    /// let not_full = CondVar::named("not_full");
    /// assert_eq!(not_full.n_waiting(), 0);
    /// ```
    pub fn named(name: &'static str) -> Self {
        CondVar {
            waiters: WaitQueue::new(),
            lock: std::sync::atomic::AtomicUsize::new(0),
            name,
        }
    }

    /// Records a step for the book's tables (model build only): `what`,
    /// with `@` replaced by " on " and this variable's name, or removed if
    /// it has none.
    #[inline(always)]
    fn step(&self, what: &str, value: impl std::fmt::Display) {
        #[cfg(any(feature = "loom", feature = "play"))]
        let what = &what.replace('@', &self.name_part());
        trace::note(what, value);
    }

    #[cfg(any(feature = "loom", feature = "play"))]
    fn name_part(&self) -> String {
        match self.name {
            "" => String::new(),
            name => format!(" on {name}"),
        }
    }

    // ANCHOR: wait
    /// `cond.wait()`: lets go of the lock `guard` holds, sleeps until
    /// notified, and takes the lock again before returning.
    pub fn wait<T>(&self, guard: &mut ValueGuard<'_, T>) {
        self.wait_until(guard, None);
    }

    /// `cond.wait(timeout)`: as `wait`, but gives up after `timeout`.
    /// Returns `false` only if the time ran out before a notify.
    pub fn wait_timeout<T>(&self, guard: &mut ValueGuard<'_, T>, timeout: Duration) -> bool {
        self.wait_until(guard, Some(&Deadline::after(timeout)))
    }

    fn wait_until<T>(&self, guard: &mut ValueGuard<'_, T>, deadline: Option<&Deadline>) -> bool {
        // Queued while we still hold the lock: a notifier needs the lock
        // to change the state, so it comes after this and will see us.
        let Some((ticket, signal)) = self
            .waiters
            .enqueue(|queued| self.waits_with(guard, queued))
        else {
            panic!(
                "a CondVar used with two different Values: while threads wait on it with one Value's guard, another Value's guard came"
            );
        };
        self.step("waits@", "");
        let notified =
            guard.unlocked_for_wait(&signal, || self.waiters.park(ticket, &signal, deadline));
        self.step(if notified { "wakes" } else { "times out" }, "");
        notified
    }
    // ANCHOR_END: wait

    /// Whether a thread may wait with `guard` when `queued` threads wait
    /// already (run under the wait queue's lock): the first waiter names
    /// the `Value`, and the others must come with the same one.
    fn waits_with<T>(&self, guard: &ValueGuard<'_, T>, queued: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let address = std::ptr::from_ref(guard.lock_word()).expose_provenance();
        if queued == 0 {
            self.lock.store(address, Relaxed);
        }
        self.lock.load(Relaxed) == address
    }

    // ANCHOR: wait_for
    /// `cond.wait_for(predicate)`: waits until `predicate(&state)` holds,
    /// checking it under the lock, at once and after each wake-up.
    pub fn wait_for<T>(
        &self,
        guard: &mut ValueGuard<'_, T>,
        mut predicate: impl FnMut(&T) -> bool,
    ) -> bool {
        while !predicate(guard) {
            self.wait(guard);
        }
        true
    }

    /// `cond.wait_for(predicate, timeout)`: as `wait_for`, with one total
    /// deadline for all the waits (a wake-up does not renew it). Returns
    /// the predicate's last value.
    pub fn wait_for_timeout<T>(
        &self,
        guard: &mut ValueGuard<'_, T>,
        predicate: impl FnMut(&T) -> bool,
        timeout: Duration,
    ) -> bool {
        self.wait_for_deadline(guard, predicate, Some(&Deadline::after(timeout)))
    }

    /// `wait_for` with an optional deadline, shared by all its waits.
    pub(crate) fn wait_for_deadline<T>(
        &self,
        guard: &mut ValueGuard<'_, T>,
        mut predicate: impl FnMut(&T) -> bool,
        deadline: Option<&Deadline>,
    ) -> bool {
        while !predicate(guard) {
            if !self.wait_until(guard, deadline) {
                return predicate(guard);
            }
        }
        true
    }
    // ANCHOR_END: wait_for

    // ANCHOR: notify
    /// `cond.notify(n)`: wakes at most `n` of the threads waiting now,
    /// longest-waiting first. Python requires the lock to be held; here it
    /// is allowed without, but only a notify made under the lock is sure
    /// to come after the waiter's last look at the state.
    ///
    /// A woken thread's first act is to take the lock, so while the lock
    /// is held (by the notifier, most often) the notify does not wake
    /// them: it moves them into the lock's queue, still asleep, and the
    /// release wakes them ("requeue").
    pub fn notify(&self, n: usize) {
        let woken = self.waiters.wake_or_move(n, || {
            let lock = self.waiters_lock();
            (lock.queue(), || lock.mark_waiting_if_taken())
        });
        self.step("notifies@; threads woken:", woken);
    }

    /// `cond.notify_all()`: wakes every thread waiting now.
    pub fn notify_all(&self) {
        self.notify(usize::MAX);
    }
    // ANCHOR_END: notify

    /// The lock the waiting threads came with. Called by `notify` only
    /// under the wait queue's lock, with a waiter queued.
    #[allow(unsafe_code)]
    fn waiters_lock(&self) -> &ParkingWord {
        let address = self.lock.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `address` is that of the parking word of the `Value`
        // whose guard every queued waiter came with (`waits_with`). A
        // waiter is queued, and it borrows that `Value` for as long as it
        // is inside `wait`; it cannot leave `wait` before it has seen
        // itself off the queue, which needs the wait queue's lock that our
        // caller holds. So the `Value` and its word are alive, and stay
        // alive while the returned reference is used (only under that
        // lock: see `WaitQueue::wake_or_move`).
        unsafe { &*std::ptr::with_exposed_provenance::<ParkingWord>(address) }
    }

    /// How many threads are in `wait` right now (not in Python's API; for
    /// tests and demos that must know a thread has started waiting).
    pub fn n_waiting(&self) -> usize {
        self.waiters.len()
    }
}

/// The lock of a [`Condition`], held; dereferences to its state.
#[must_use = "the lock is released as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ConditionGuard<'a, T>(ValueGuard<'a, T>);

impl<T> std::ops::Deref for ConditionGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for ConditionGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// A one-slot hand-off between threads, the chapter's example.
pub mod handoff {
    use super::Condition;
    use crate::trace;

    // ANCHOR: handoff
    /// Puts `item` into the slot, waiting while it is full.
    pub fn put(slot: &Condition<Option<i32>>, item: i32) {
        let mut s = slot.guard();
        slot.wait_for(&mut s, |s| s.is_none()); // while slot is full: wait
        *s = Some(item);
        trace::step("puts", item);
        slot.notify_all();
    }

    /// Takes the item out of the slot, waiting while it is empty.
    pub fn take(slot: &Condition<Option<i32>>) -> i32 {
        let mut s = slot.guard();
        slot.wait_for(&mut s, |s| s.is_some()); // while slot is empty: wait
        let item = s.take().expect("the predicate said so");
        trace::step("takes", item);
        slot.notify_all();
        item
    }
    // ANCHOR_END: handoff

    // ANCHOR: naive
    /// The lost wake-up: looks at the slot, lets go of the lock, and only
    /// then takes it again to wait. A `put` and its `notify` can fall into
    /// that gap, and then nobody will ever wake this thread.
    pub fn take_checking_first(slot: &Condition<Option<i32>>) -> i32 {
        let empty = slot.guard().is_none(); // look (lock taken and let go)
        trace::step("looks; slot empty:", empty);
        let mut s = slot.guard();
        if empty {
            slot.wait(&mut s); // wait for a notify that may have come already
        }
        let item = s.take().expect("woken by a put");
        trace::step("takes", item);
        item
    }
    // ANCHOR_END: naive
}
