/*
// ANCHOR: statement
**Give the lock back in the right order.** `OwnedLock` is a re-entrant
lock built on the crate's `Lock`: the thread that holds it (its `owner`)
may acquire it again, and must release it as many times as it acquired it.
Its `release` has a bug: the last release lets go of the inner lock and
*then* clears the owner. Once the inner lock is free, another thread may
take it and write itself in as the owner, and the late clear can land
after that write and wipe it out. (If loom's table lists the clear before
the other thread's steps, [Reading a step
table](primer.md#reading-a-step-table) says why.) Fix it so that:

- at most one thread holds the lock at a time;
- the owner can always re-enter, whatever other threads do;
- a thread that does not own the lock gets `Err(ReleaseError::NotOwner)`
  from `release`, and nothing changes.
// ANCHOR_END: statement
*/
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
            // TODO: once the inner lock is free, another thread can take it
            // and become the owner; this thread must not touch `owner` after
            // that.
            self.lock.release().unwrap();
            trace::step("lets go of the inner lock", "");
            self.owner.store(0, Ordering::Relaxed);
            trace::step("clears the owner", "");
        }
        Ok(())
    }

    /// Whether the calling thread holds the lock.
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == thread_token()
    }
}
