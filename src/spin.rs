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
        // SAFETY: we set `busy` from false to true, so no other thread is
        // between its own compare-exchange and store; the `&mut` does not
        // outlive `f`.
        let result = self.data.with_mut(|data| f(unsafe { &mut *data }));
        self.busy.store(false, Ordering::Release);
        result
    }
}
