// Wrong: the last release lets go of the inner lock but leaves `owner` set: the old owner still looks like the owner.
use super::kit::sync::{AtomicUsize, Ordering};
use super::kit::{Lock, ReleaseError, thread_token, trace};

/// A re-entrant lock: `owner` is the holder's thread token (0: nobody),
/// `count` how many times it has acquired the lock without releasing.
#[derive(Debug)]
pub struct OwnedLock {
    lock: Lock,
    owner: AtomicUsize,
    count: AtomicUsize,
}

impl OwnedLock {
    /// A new, free lock.
    pub fn new() -> Self {
        OwnedLock {
            lock: Lock::new(),
            owner: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
        }
    }

    /// Takes the lock, or counts one more acquire if this thread holds it.
    pub fn acquire(&self) {
        let me = thread_token();
        // Only this thread ever writes its own token into `owner`, so if it
        // reads it there, it does hold the lock.
        if self.owner.load(Ordering::Relaxed) == me {
            let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
            trace::step("re-enters; count =", count);
            return;
        }
        trace::step("is not the owner; takes the inner lock", "");
        self.lock.acquire();
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
        trace::step("owns it; count =", 1);
    }

    /// Counts one release; the last one gives the lock up.
    pub fn release(&self) -> Result<(), ReleaseError> {
        if self.owner.load(Ordering::Relaxed) != thread_token() {
            return Err(ReleaseError::NotOwner);
        }
        let count = self.count.fetch_sub(1, Ordering::Relaxed) - 1;
        trace::step("releases; count =", count);
        if count == 0 {
            // Clear the owner while the inner lock still keeps everyone
            // else out; the next owner writes itself in after this.
            self.lock.release().unwrap();
            trace::step("lets go of the inner lock", "");
        }
        Ok(())
    }

    /// Whether the calling thread holds the lock.
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == thread_token()
    }
}
