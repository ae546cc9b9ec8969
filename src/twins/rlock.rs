//! Broken twins of [`RLock`](crate::RLock) (model build only).
//!
//! Each is the real `RLock` (the crate's `Lock`, an owner and a count) with
//! one line changed in `release`.

use crate::error::ReleaseError;
use crate::lock::Lock;
use crate::sync::{AtomicUsize, Ordering, thread_token};

/// The real `RLock`'s parts and its `acquire`; the twins differ in
/// `release` only.
#[derive(Debug, Default)]
struct Parts {
    lock: Lock,
    owner: AtomicUsize,
    count: AtomicUsize,
}

impl Parts {
    fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == thread_token()
    }

    fn acquire(&self) {
        if self.is_owned() {
            let count = self.count.load(Ordering::Relaxed);
            self.count.store(count + 1, Ordering::Relaxed);
            return;
        }
        self.lock.acquire();
        self.owner.store(thread_token(), Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
    }

    fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }
}

macro_rules! twin {
    ($name:ident) => {
        impl $name {
            /// A new, free lock.
            pub fn new() -> Self {
                $name(Parts::default())
            }
            /// As the real `acquire`.
            pub fn acquire(&self) {
                self.0.acquire()
            }
            /// As the real `is_owned`.
            pub fn is_owned(&self) -> bool {
                self.0.is_owned()
            }
            /// As the real `recursion_count`.
            pub fn recursion_count(&self) -> usize {
                self.0.recursion_count()
            }
        }
        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }
    };
}

/// Clears the owner *after* letting go of the inner lock (the real
/// `release` clears it before): the clear can land on the next owner's
/// token.
#[derive(Debug)]
pub struct ClearsOwnerLate(Parts);
twin!(ClearsOwnerLate);

impl ClearsOwnerLate {
    /// One release; the last one frees the lock, then clears the owner.
    pub fn release(&self) -> Result<(), ReleaseError> {
        let p = &self.0;
        if !p.is_owned() {
            return Err(ReleaseError::NotOwner);
        }
        let count = p.count.load(Ordering::Relaxed) - 1;
        p.count.store(count, Ordering::Relaxed);
        if count == 0 {
            p.lock.release()?;
            p.owner.store(0, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Accepts a release from any thread (the real `release` first checks
/// `is_owned`): a non-owner's release frees the owner's lock.
#[derive(Debug)]
pub struct AnyoneMayRelease(Parts);
twin!(AnyoneMayRelease);

impl AnyoneMayRelease {
    /// One release, whoever calls it.
    pub fn release(&self) -> Result<(), ReleaseError> {
        let p = &self.0;
        let count = p.count.load(Ordering::Relaxed).saturating_sub(1);
        p.count.store(count, Ordering::Relaxed);
        if count == 0 {
            p.owner.store(0, Ordering::Relaxed);
            p.lock.release()?;
        }
        Ok(())
    }
}

/// Does not count down (the real `release` frees the inner lock only when
/// the count reaches 0): the first release frees the lock while the owner
/// still holds it once more.
#[derive(Debug)]
pub struct IgnoresTheCount(Parts);
twin!(IgnoresTheCount);

impl IgnoresTheCount {
    /// Frees the lock at every release.
    pub fn release(&self) -> Result<(), ReleaseError> {
        let p = &self.0;
        if !p.is_owned() {
            return Err(ReleaseError::NotOwner);
        }
        p.count.store(0, Ordering::Relaxed);
        p.owner.store(0, Ordering::Relaxed);
        p.lock.release()
    }
}
