//! `RLock`: Python's `threading.RLock`, a lock its owner may take again.
//! Built on the crate's [`Lock`]: an owner and a count on top of it.
//!
//! States: *free* (owner 0, count 0, the inner lock unlocked) and *held n
//! times by thread t* (owner t, count n ≥ 1, the inner lock locked).
//! `acquire` by t: held n → n + 1; by another thread: waits for free, then
//! held 1. `release` by t: held n → n − 1, and held 1 → free.

use std::time::Duration;

use crate::error::ReleaseError;
use crate::guard::{Guard, RawLock};
use crate::lock::Lock;
use crate::sync::{AtomicUsize, Ordering, thread_token};

// ANCHOR: struct
/// A re-entrant lock, as Python's `threading.RLock`.
///
/// The thread that holds it (its *owner*) may acquire it again without
/// blocking; it is free again only after as many releases as acquires. Only
/// the owner may release it: anyone else gets an `Err`, and nothing changes.
///
/// State: `owner == 0` and `count == 0` (free, `lock` unlocked), or `owner
/// == t` and `count == n >= 1` (held n times by thread t, `lock` locked).
/// Only the owner changes `owner` and `count`, and only while it holds
/// `lock`.
///
/// ```
/// use syncbook::RLock;
///
/// let r = RLock::new();
/// r.acquire();
/// r.acquire(); // the owner re-enters
/// assert_eq!(r.recursion_count(), 2);
/// r.release().unwrap();
/// assert!(r.is_owned()); // still held: one release to go
/// r.release().unwrap();
/// assert!(!r.is_owned());
/// assert!(r.release().is_err()); // not owned any more
/// ```
#[derive(Debug)]
pub struct RLock {
    lock: Lock,
    /// The owner's `thread_token()`, or 0 when free.
    owner: AtomicUsize,
    /// How many times the owner holds it; read and written by the owner only.
    count: AtomicUsize,
}
// ANCHOR_END: struct

impl Default for RLock {
    fn default() -> Self {
        RLock::new()
    }
}

impl std::panic::RefUnwindSafe for RLock {}

impl RLock {
    /// A new, free `RLock`.
    pub fn new() -> Self {
        RLock {
            lock: Lock::new(),
            owner: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
        }
    }

    // ANCHOR: acquire
    /// `rlock.acquire()`: re-enters at once if this thread owns it; else
    /// blocks until it is free and takes it.
    #[inline]
    pub fn acquire(&self) {
        if !self.reenter() {
            self.lock.acquire();
            self.take_ownership();
        }
    }

    /// `rlock.release()`: one release of as many as there were acquires;
    /// the last one frees the lock. `Err` if this thread does not own it.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        if !self.is_owned() {
            return Err(ReleaseError::NotOwner);
        }
        let count = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(count, Ordering::Relaxed);
        if count == 0 {
            self.owner.store(0, Ordering::Relaxed);
            self.lock.release()?;
        }
        Ok(())
    }

    /// The owner takes it once more; `false` if this thread is not the owner.
    #[inline]
    fn reenter(&self) -> bool {
        if !self.is_owned() {
            return false;
        }
        let count = self.count.load(Ordering::Relaxed);
        self.count.store(count + 1, Ordering::Relaxed);
        true
    }

    /// Just acquired `lock`: record who holds it.
    #[inline]
    fn take_ownership(&self) {
        self.owner.store(thread_token(), Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
    }
    // ANCHOR_END: acquire

    /// `rlock.acquire(False)`: re-enters, or takes a free lock; never blocks.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        if self.reenter() {
            return true;
        }
        let got = self.lock.try_acquire();
        if got {
            self.take_ownership();
        }
        got
    }

    /// `rlock.acquire(timeout=t)`: as `acquire`, but gives up after
    /// `timeout` and returns `false`, changing nothing.
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        if self.reenter() {
            return true;
        }
        let got = self.lock.acquire_timeout(timeout);
        if got {
            self.take_ownership();
        }
        got
    }

    // ANCHOR: owned
    /// `rlock._is_owned()`: whether the *calling* thread holds it.
    #[inline]
    pub fn is_owned(&self) -> bool {
        // Another thread's token can be read here, or a stale 0, but never
        // our own unless we stored it and have not cleared it since: a
        // thread always sees its own latest write.
        self.owner.load(Ordering::Relaxed) == thread_token()
    }

    /// `rlock._recursion_count()`: how many times the calling thread holds
    /// it (0 if it does not).
    #[inline]
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }
    // ANCHOR_END: owned

    /// `with rlock:`: acquires (or re-enters), and releases once when the
    /// guard is dropped, panics included.
    pub fn guard(&self) -> RLockGuard<'_> {
        Guard::lock(self)
    }
}

impl RawLock for RLock {
    /// Not `Send`: the guard must be dropped by the thread that owns the
    /// lock.
    type GuardMarker = *const ();

    fn lock(&self) {
        self.acquire();
    }

    fn unlock(&self) {
        // The guard's thread owns the lock (guards are not `Send`), so
        // this release cannot fail.
        let _ = self.release();
    }
}

/// Holds an [`RLock`] once, until dropped (Python's `with rlock:` block).
pub type RLockGuard<'a> = Guard<'a, RLock>;

/// The story of the chapter: Python's `Value`, whose getter and setter take
/// its lock, used inside `with v.get_lock():`. With an `RLock` that is a
/// re-entry; with a plain `Lock` it is a thread waiting for itself.
pub mod naive {
    use crate::sync::{AtomicI32, Ordering};
    use crate::trace;
    use crate::{Lock, RLock};

    /// What the Python-style value needs of its lock.
    pub trait RawLock: Sync {
        /// Take the lock (blocking).
        fn acquire(&self);
        /// Let it go.
        fn release(&self);
    }

    impl RawLock for Lock {
        fn acquire(&self) {
            Lock::acquire(self)
        }
        fn release(&self) {
            Lock::release(self).expect("held")
        }
    }

    impl RawLock for RLock {
        fn acquire(&self) {
            RLock::acquire(self)
        }
        fn release(&self) {
            RLock::release(self).expect("owned")
        }
    }

    // ANCHOR: pyvalue
    /// `multiprocessing.Value` as Python builds it: a number and a lock,
    /// where reading and writing `.value` each take the lock.
    #[derive(Debug, Default)]
    pub struct PyValue<L> {
        lock: L,
        value: AtomicI32,
    }

    impl<L: RawLock> PyValue<L> {
        /// A value of 0 guarded by `lock`.
        pub fn new(lock: L) -> Self {
            PyValue {
                lock,
                value: AtomicI32::new(0),
            }
        }

        /// `v.get_lock()`
        pub fn get_lock(&self) -> &L {
            &self.lock
        }

        /// `v.value`: takes the lock, reads, releases.
        pub fn get(&self) -> i32 {
            trace::step("get: acquire", "");
            self.lock.acquire();
            let x = self.value.load(Ordering::Relaxed);
            self.lock.release();
            x
        }

        /// `v.value = x`: takes the lock, writes, releases.
        pub fn set(&self, x: i32) {
            self.lock.acquire();
            self.value.store(x, Ordering::Relaxed);
            self.lock.release();
        }

        /// `with v.get_lock(): v.value += 1`
        pub fn locked_increment(&self) {
            trace::step("with v.get_lock(): acquire", "");
            self.get_lock().acquire();
            trace::step("acquired; now v.value += 1", "");
            self.set(self.get() + 1);
            self.get_lock().release();
        }
    }
    // ANCHOR_END: pyvalue
}
