//! The loom switch: every primitive in this crate imports its atomics,
//! cells and parking from here, never from `std` directly.
//!
//! In the ordinary build these are `std`'s types. When this same source is
//! compiled by the `syncbook_model` package (the `loom` feature), they are
//! loom's instrumented copies, so loom can explore every interleaving of
//! the crate's real code. Nothing else changes between the two builds.
//!
//! Time is the one thing loom does not model. Under loom a timed wait is a
//! wait that may end at any moment ("spuriously"), and a deadline counts as
//! passed as soon as it has been checked once: the models then explore the
//! "timed out" path as one more interleaving.

// ANCHOR: switch
#[cfg(not(feature = "loom"))]
pub(crate) use std::{
    hint,
    sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicUsize, Ordering},
    thread,
};

#[cfg(feature = "loom")]
pub(crate) use loom::{
    hint,
    sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicUsize, Ordering},
    thread,
};
// ANCHOR_END: switch

#[cfg(feature = "loom")]
pub(crate) use loom::cell::UnsafeCell;

#[cfg(not(feature = "loom"))]
pub(crate) use self::std_cell::UnsafeCell;

/// `std`'s `UnsafeCell` behind loom's API (`with`, `with_mut`, `get_mut`),
/// so that one body of code compiles in both builds.
#[cfg(not(feature = "loom"))]
mod std_cell {
    #[derive(Debug, Default)]
    pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(data: T) -> Self {
            Self(std::cell::UnsafeCell::new(data))
        }

        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        pub(crate) fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    /// A raw pointer into an [`UnsafeCell`], as loom's `MutPtr`.
    #[derive(Debug)]
    pub(crate) struct MutPtr<T: ?Sized>(*mut T);

    impl<T: ?Sized> MutPtr<T> {
        /// # Safety
        /// As dereferencing a `*mut T`: no other reference to the value may
        /// be alive while the returned one is.
        #[allow(unsafe_code)]
        #[allow(clippy::mut_from_ref)] // mirrors loom's `MutPtr::deref`
        pub(crate) unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller promises exclusive access (see above).
            unsafe { &mut *self.0 }
        }
    }
}

#[cfg(not(feature = "loom"))]
pub(crate) use self::std_cell::MutPtr;
#[cfg(feature = "loom")]
pub(crate) use loom::cell::MutPtr;

/// How a waiting thread is woken: the waiter makes a `Signal`, leaves a
/// clone of it in a wait queue and waits on it; a waker calls `wake` on the
/// clone.
///
/// In the real build it is the thread's park/unpark token. In the model
/// build it is a loom `Notify` made for this one wait: loom's own park
/// token is lost when it is sent to a thread that is blocked on something
/// else at that moment (a `Mutex`), which std's never is.
#[cfg(not(feature = "loom"))]
#[derive(Clone, Debug)]
pub(crate) struct Signal(std::thread::Thread);

#[cfg(not(feature = "loom"))]
impl Signal {
    /// A signal that wakes the calling thread.
    pub(crate) fn new() -> Self {
        Signal(std::thread::current())
    }

    pub(crate) fn wake(&self) {
        self.0.unpark();
    }

    /// Sleeps until woken (or spuriously).
    pub(crate) fn wait(&self) {
        std::thread::park();
    }

    /// Sleeps until woken, or `timeout` has passed (or spuriously).
    pub(crate) fn wait_timeout(&self, timeout: std::time::Duration) {
        std::thread::park_timeout(timeout);
    }
}

#[cfg(feature = "loom")]
#[derive(Clone)]
pub(crate) struct Signal(std::sync::Arc<loom::sync::Notify>);

#[cfg(feature = "loom")]
impl std::fmt::Debug for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signal")
    }
}

#[cfg(feature = "loom")]
impl Signal {
    pub(crate) fn new() -> Self {
        Signal(std::sync::Arc::new(loom::sync::Notify::new()))
    }

    pub(crate) fn wake(&self) {
        self.0.notify();
    }

    pub(crate) fn wait(&self) {
        self.0.wait();
    }

    /// A timed wait may end at any moment: let the others run, and return.
    pub(crate) fn wait_timeout(&self, _timeout: std::time::Duration) {
        loom::thread::yield_now();
    }
}

/// A point in time after which a timed wait gives up.
///
/// Under loom there is no clock: a deadline leaves time for exactly one
/// (spurious) wait and has passed after that, so a model explores both the
/// "woken in time" and the "timed out" paths.
#[derive(Debug)]
pub(crate) struct Deadline {
    #[cfg(not(feature = "loom"))]
    at: Option<std::time::Instant>,
    #[cfg(feature = "loom")]
    waits_left: std::cell::Cell<u8>,
}

impl Deadline {
    pub(crate) fn after(timeout: std::time::Duration) -> Self {
        #[cfg(not(feature = "loom"))]
        {
            // A timeout too large to represent is as good as "never".
            Deadline {
                at: std::time::Instant::now().checked_add(timeout),
            }
        }
        #[cfg(feature = "loom")]
        {
            let _ = timeout;
            Deadline {
                waits_left: std::cell::Cell::new(1),
            }
        }
    }

    /// Time left to wait, or `None` once the deadline has passed.
    pub(crate) fn remaining(&self) -> Option<std::time::Duration> {
        #[cfg(not(feature = "loom"))]
        {
            match self.at {
                None => Some(std::time::Duration::MAX),
                Some(at) => at
                    .checked_duration_since(std::time::Instant::now())
                    .filter(|left| !left.is_zero()),
            }
        }
        #[cfg(feature = "loom")]
        {
            let left = self.waits_left.get();
            self.waits_left.set(left.saturating_sub(1));
            (left > 0).then_some(std::time::Duration::ZERO)
        }
    }
}

/// The lock around each wait queue's list of parked threads.
///
/// In the ordinary build it is the crate's [`SpinLock`](crate::spin::SpinLock).
/// In the model build it is loom's `Mutex`: loom explores a spin lock's
/// retry loop one spin at a time, which multiplies every model that parks a
/// thread (a two-thread, two-round lock model went from 640 executions to
/// 559,116 when measured), while it treats its own `Mutex` as one blocking
/// step. The spin
/// lock itself is proved on its own, in the Lock chapter's
/// `model_spin_lock_mutual_exclusion`; the bigger models then rely on that.
#[cfg(not(feature = "loom"))]
pub(crate) type QueueLock<T> = crate::spin::SpinLock<T>;

#[cfg(feature = "loom")]
#[derive(Debug)]
pub(crate) struct QueueLock<T>(loom::sync::Mutex<T>);

#[cfg(feature = "loom")]
impl<T> QueueLock<T> {
    pub(crate) fn new(data: T) -> Self {
        QueueLock(loom::sync::Mutex::new(data))
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.lock().unwrap())
    }
}

/// A number naming the calling thread, never 0, never reused by another
/// thread (an RLock's owner). Under loom, one per model thread.
#[inline]
pub(crate) fn thread_token() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    fn fresh() -> usize {
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(feature = "loom"))]
    std::thread_local! {
        static TOKEN: usize = fresh();
    }
    #[cfg(feature = "loom")]
    loom::thread_local! {
        static TOKEN: usize = fresh();
    }
    TOKEN.with(|t| *t)
}

/// Whether a guard being dropped should skip its release: only in the model
/// build, while a failing execution unwinds. loom aborts the whole test
/// binary on any loom operation made during unwinding, and a failed
/// execution is abandoned anyway. (In the real build guards always release,
/// panics included.)
pub(crate) fn abandoning_model_execution() -> bool {
    cfg!(feature = "loom") && std::thread::panicking()
}

/// One round of waiting before a thread goes to sleep: busy-waiting for the
/// first rounds (the other thread is likely running on another core and
/// about to finish), then giving up the core (it may be waiting for it).
/// Returns `false`, without waiting, once the rounds are used up: time to
/// park. Parking costs a system call each way; this is cheaper when the
/// other side answers within a microsecond or so.
///
/// Under loom it returns `false` at once: spinning would only add
/// interleavings, and the model explores the sleeping path.
#[inline]
pub(crate) fn backoff(round: u32) -> bool {
    #[cfg(not(feature = "loom"))]
    {
        match round {
            0..4 => (0..4 << round).for_each(|_| std::hint::spin_loop()),
            4..10 => std::thread::yield_now(),
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
