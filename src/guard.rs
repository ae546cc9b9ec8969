//! One guard for every lock in the crate, in the manner of `lock_api`: a
//! lock says how to take and let go of it ([`RawLock`]), and one generic
//! [`Guard`] holds it for a scope and lets go when dropped, panics
//! included. `LockGuard`, `RLockGuard`, `SemaphoreGuard` and
//! `BoundedSemaphoreGuard` are this type; `ValueGuard` (and the `Array` and
//! `Condition` guards built on it) add a pointer to the data beside one.
//!
//! States of a guard: *holding* (from the moment it is made, after its
//! lock was taken) → *dropped* (it let go, once). While holding, a
//! condition's wait may let go for a while and take the lock back
//! ([`Guard::unlocked_then`]); it is holding again when that returns, or
//! unwinds.

use std::marker::PhantomData;

/// What a [`Guard`] needs of the lock it holds.
pub trait RawLock {
    /// `()` if a guard may be dropped on another thread than the one that
    /// made it; `*const ()` if not (an `RLock`'s guard belongs to its
    /// owner).
    type GuardMarker;

    /// Takes the lock, waiting as long as it takes.
    fn lock(&self);

    /// Lets go of the lock; the guard calls it once, when dropped.
    fn unlock(&self);
}

/// Holds a lock until dropped (Python's `with lock:` block).
#[must_use = "the lock is let go as soon as the guard is dropped"]
pub struct Guard<'a, R: RawLock + ?Sized> {
    raw: &'a R,
    _marker: PhantomData<R::GuardMarker>,
}

impl<'a, R: RawLock + ?Sized> Guard<'a, R> {
    /// Takes `raw` and returns the guard that will let it go.
    pub(crate) fn lock(raw: &'a R) -> Self {
        raw.lock();
        Guard::holding(raw)
    }

    /// A guard for `raw`, which the caller has just taken.
    pub(crate) fn holding(raw: &'a R) -> Self {
        Guard {
            raw,
            _marker: PhantomData,
        }
    }

    /// Lets go of the lock while `f` runs, and takes it back afterwards
    /// with `relock` (usually `R::lock`; a condition variable's wait takes
    /// it back its own way), or while unwinding if `f` panics (as std's
    /// `Condvar::wait` does), so the guard is holding again, and lets go
    /// once, when dropped.
    pub(crate) fn unlocked_then<T>(&mut self, f: impl FnOnce() -> T, relock: impl FnOnce(&R)) -> T {
        self.raw.unlock();
        let relock = Relock(self.raw, Some(relock));
        let result = f();
        drop(relock);
        result
    }
}

impl<R: RawLock + ?Sized> Drop for Guard<'_, R> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.raw.unlock();
    }
}

/// Takes the lock back when dropped: the second half of
/// [`Guard::unlocked_then`].
struct Relock<'a, R: RawLock + ?Sized, F: FnOnce(&R)>(&'a R, Option<F>);

impl<R: RawLock + ?Sized, F: FnOnce(&R)> Drop for Relock<'_, R, F> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        if let Some(relock) = self.1.take() {
            relock(self.0);
        }
    }
}

impl<R: RawLock + ?Sized> std::fmt::Debug for Guard<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::{Guard, RawLock};
    use crate::{Lock, ReleaseError};
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn a_panic_while_unlocked_takes_the_lock_back_and_lets_go_once() {
        let lock = Lock::new();
        let mut guard = Guard::lock(&lock);
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            guard.unlocked_then(
                || {
                    assert!(!lock.locked(), "let go while waiting");
                    panic!("while waiting")
                },
                Lock::lock,
            )
        }));
        assert!(panicked.is_err());
        assert!(
            lock.locked(),
            "the guard still exists, so its lock must be held again"
        );
        drop(guard);
        assert!(!lock.locked());
        assert_eq!(
            lock.release(),
            Err(ReleaseError::Unlocked),
            "exactly one release, by the guard's drop"
        );
    }
}
