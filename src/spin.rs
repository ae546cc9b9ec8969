//! `SpinLock`: the smallest lock there is, one `AtomicBool`. It guards the
//! crate's wait queues, whose critical sections are a few instructions long
//! (a push, a pop), far shorter than parking a thread would take.
//!
//! States: `busy == false` (free) → `true` (held, by the thread whose
//! compare-exchange made it so) → `false` (its store on the way out).

use crate::sync::{AtomicBool, Ordering, UnsafeCell, hint};

/// A spin lock around a `T`. Never held across anything that blocks.
#[derive(Debug)]
pub struct SpinLock<T> {
    busy: AtomicBool,
    data: UnsafeCell<T>,
}

// SAFETY: `data` is only reached inside `with`, between the compare-exchange
// that sets `busy` (Acquire) and the store that clears it (Release): one
// thread at a time, and each sees the writes of the one before.
#[allow(unsafe_code)]
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// A free spin lock around `data`.
    pub fn new(data: T) -> Self {
        SpinLock {
            busy: AtomicBool::new(false),
            data: UnsafeCell::new(data),
        }
    }

    /// Runs `f` on the data with the lock held.
    #[allow(unsafe_code)]
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        while self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.busy.load(Ordering::Relaxed) {
                hint::spin_loop(); // under loom, a yield to the other threads
            }
        }
        // Let go on the way out, also if `f` panics: otherwise the next
        // caller would spin for ever.
        let _release = Release(&self.busy);
        // SAFETY: we set `busy` from false to true, so no other thread is
        // between its own compare-exchange and store; the `&mut` does not
        // outlive `f`.
        self.data.with_mut(|data| f(unsafe { &mut *data }))
    }
}

/// Clears `busy` when dropped: at the end of `with`, panics included.
struct Release<'a>(&'a AtomicBool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::SpinLock;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_panic_inside_with_lets_the_lock_go() {
        let lock: &'static SpinLock<i32> = Box::leak(Box::new(SpinLock::new(0)));
        let panicked = catch_unwind(AssertUnwindSafe(|| lock.with(|_| panic!("inside"))));
        assert!(panicked.is_err());
        // Before the fix the lock stayed held and this spun for ever: give
        // it ten seconds on another thread.
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            let n = lock.with(|n| {
                *n += 1;
                *n
            });
            done.send(n).unwrap();
        });
        assert_eq!(
            finished.recv_timeout(Duration::from_secs(10)),
            Ok(1),
            "the spin lock is still held after a panic inside `with`"
        );
    }
}
