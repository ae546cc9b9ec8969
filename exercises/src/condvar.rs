//! The model build's `CondVar`: the crate's, except that the first wait on
//! each one may end early, for no reason, as a real condition variable's
//! wait may (a *spurious* wake-up: POSIX and Python allow it, and the
//! crate's own never does it). Under loom that first wait lets the other
//! threads run and then returns, woken or not; loom explores both. Code
//! that waits in a loop, looking at the state again after every wake-up,
//! is unaffected; code that takes any wake-up to mean "the state changed"
//! is caught.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use syncbook_model::ValueGuard;

/// A condition variable whose first wait may wake up spuriously (in the
/// model build). Otherwise the crate's `CondVar`, with the same methods.
#[derive(Debug, Default)]
pub struct CondVar {
    inner: syncbook_model::CondVar,
    /// Whether a spurious wake-up is still to come. A plain `std` atomic:
    /// the kit's bookkeeping, not a step loom should explore.
    may_spur: SpurFlag,
}

#[derive(Debug)]
struct SpurFlag(AtomicBool);

impl Default for SpurFlag {
    fn default() -> Self {
        SpurFlag(AtomicBool::new(true))
    }
}

impl CondVar {
    /// A condition variable with nobody waiting.
    pub fn new() -> Self {
        CondVar::default()
    }

    /// As the crate's `CondVar::named`: its waits and notifies carry `name`
    /// in step tables.
    pub fn named(name: &'static str) -> Self {
        CondVar {
            inner: syncbook_model::CondVar::named(name),
            may_spur: SpurFlag::default(),
        }
    }

    /// As the crate's `CondVar::wait`, except that the first wait on this
    /// variable may return without a notify.
    pub fn wait<T>(&self, guard: &mut ValueGuard<'_, T>) {
        if self.may_spur.0.swap(false, Relaxed) {
            // Under loom a timed wait lets the others run, then returns:
            // notified if a notify came meanwhile, else "timed out".
            if !self.inner.wait_timeout(guard, Duration::ZERO) {
                syncbook_model::trace::step("(a spurious wake-up: woken, but not notified)", "");
            }
        } else {
            self.inner.wait(guard);
        }
    }

    /// As the crate's `CondVar::wait_timeout`.
    pub fn wait_timeout<T>(&self, guard: &mut ValueGuard<'_, T>, timeout: Duration) -> bool {
        self.inner.wait_timeout(guard, timeout)
    }

    /// As the crate's `CondVar::wait_for`: waits until `predicate` holds,
    /// looking at it under the lock at once and after every wake-up.
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

    /// As the crate's `CondVar::wait_for_timeout`.
    pub fn wait_for_timeout<T>(
        &self,
        guard: &mut ValueGuard<'_, T>,
        predicate: impl FnMut(&T) -> bool,
        timeout: Duration,
    ) -> bool {
        self.inner.wait_for_timeout(guard, predicate, timeout)
    }

    /// As the crate's `CondVar::notify`.
    pub fn notify(&self, n: usize) {
        self.inner.notify(n);
    }

    /// As the crate's `CondVar::notify_all`.
    pub fn notify_all(&self) {
        self.inner.notify_all();
    }

    /// As the crate's `CondVar::n_waiting`.
    pub fn n_waiting(&self) -> usize {
        self.inner.n_waiting()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syncbook_model::check::{bounded, leak, outcomes, spawn};

    /// A wait without a loop can return before the notify: loom finds the
    /// spurious wake-up, and the notified wake-up too.
    #[test]
    fn the_first_wait_may_end_without_a_notify() {
        let found = outcomes(&bounded(3), || {
            let up = leak(syncbook_model::Value::new(false));
            let changed = leak(CondVar::new());
            let a = spawn("A", move || {
                let mut guard = up.get_lock();
                if !*guard {
                    changed.wait(&mut guard);
                }
                *guard
            });
            *up.get_lock() = true;
            changed.notify_all();
            a.join().unwrap()
        });
        assert_eq!(found.values(), [false, true]);
    }

    /// After its one spurious wake-up, a `CondVar` waits for a notify:
    /// `wait_for` always ends with its predicate true.
    #[test]
    fn wait_for_ends_only_when_its_predicate_holds() {
        let found = outcomes(&bounded(3), || {
            let up = leak(syncbook_model::Value::new(false));
            let changed = leak(CondVar::new());
            let a = spawn("A", move || {
                let mut guard = up.get_lock();
                changed.wait_for(&mut guard, |up| *up);
                *guard
            });
            *up.get_lock() = true;
            changed.notify_all();
            a.join().unwrap()
        });
        assert_eq!(found.values(), [true]);
    }
}
