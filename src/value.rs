//! `Value` and `Array`: Python's `multiprocessing.Value` and `Array`, shared
//! data with a lock that comes with it. Here the lock is the crate's own
//! [`Lock`]; the data sits in a cell that only the lock's holder touches.
//!
//! States: *free* (the lock is unlocked; nobody may touch the data) and
//! *held* (one `ValueGuard` exists; only through it is the data reached).
//! `get_lock` goes free → held; dropping the guard goes back. A condition's
//! wait lets go for a while and takes the lock back (`ValueGuard::unlocked`).

use std::ops::{Deref, DerefMut};

use crate::error::IndexError;
use crate::guard::{Guard, RawLock};
use crate::lock::Lock;
use crate::park::{ParkingWord, Signal};
use crate::sync::{MutPtr, UnsafeCell};
use crate::trace;

// ANCHOR: value
/// A value shared between threads, as `multiprocessing.Value`.
///
/// `get` and `set` each take the lock on their own, so each is atomic, but
/// `v.set(v.get() + 1)` is two steps and can lose an update. Holding
/// [`get_lock`](Value::get_lock) across the read-modify-write makes it exact.
///
/// ```
/// use syncbook::Value;
///
/// let v = Value::new(0i32);
/// v.set(v.get() + 1); // racy if another thread does the same
/// *v.get_lock() += 1; // exact: read and write under one lock
/// assert_eq!(v.get(), 2);
/// ```
///
/// Python's `Value` lock is re-entrant, this one is not: calling `get` or
/// `set` (or `get_lock` again) while this thread holds the guard would wait
/// for itself for ever. In debug builds that panics instead, with "this
/// thread already holds this Value's lock; use the guard"; release builds
/// do not check.
#[derive(Debug)]
pub struct Value<T> {
    lock: Lock,
    data: UnsafeCell<T>,
    /// Debug builds: who holds `lock`, to refuse a thread waiting for itself.
    holder: Holder,
}
// ANCHOR_END: value

// SAFETY: `data` is only reached through a `ValueGuard`, and a guard exists
// only while its thread holds `lock`; so at most one thread touches `data`
// at a time, and `T: Send` lets the value move between those threads.
#[allow(unsafe_code)]
unsafe impl<T: Send> Sync for Value<T> {}

impl<T: Send> Value<T> {
    /// `Value('i', x)`: a new shared value.
    pub fn new(value: T) -> Self {
        Value {
            lock: Lock::new(),
            data: UnsafeCell::new(value),
            holder: Holder::default(),
        }
    }

    /// The value, once no other thread can reach it.
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

/// The play scheduler's view of the state (model and play builds only).
#[cfg(any(feature = "loom", feature = "play"))]
impl<T> Value<T> {
    /// Looks at the value without the lock. Only the play scheduler calls
    /// it, between two moves, while every thread of the model is stopped.
    #[allow(unsafe_code)]
    pub(crate) fn peek_with<R>(&self, look: impl FnOnce(&T) -> R) -> R {
        // SAFETY: every thread that could touch the value is stopped at a
        // pause, where none holds a reference into it (a guard makes one
        // only for the length of a deref, and never across a step).
        self.data.with(|p| look(unsafe { &*p }))
    }

    /// The value, without the lock (see `peek_with`).
    pub(crate) fn peek(&self) -> T
    where
        T: Copy,
    {
        self.peek_with(|x| *x)
    }
}

impl<T: Copy + Send> Value<T> {
    // ANCHOR: get_set
    /// `v.value`: reads the value, taking the lock for the read alone.
    pub fn get(&self) -> T {
        *self.get_lock()
    }

    /// `v.value = x`: writes the value, taking the lock for the write alone.
    pub fn set(&self, value: T) {
        *self.get_lock() = value;
    }
    // ANCHOR_END: get_set
}

impl<T: Send> Value<T> {
    // ANCHOR: get_lock
    /// `with v.get_lock():`: the lock, held until the guard is dropped; the
    /// guard dereferences to the value.
    pub fn get_lock(&self) -> ValueGuard<'_, T> {
        let lock = Guard::lock(self);
        ValueGuard {
            data: Some(self.data.get_mut()),
            value: self,
            lock,
        }
    }
    // ANCHOR_END: get_lock
}

impl<T> RawLock for Value<T> {
    type GuardMarker = ();

    fn lock(&self) {
        self.holder.refuse_reentry();
        self.lock.acquire();
        self.holder.set();
    }

    fn unlock(&self) {
        self.holder.clear();
        let _ = self.lock.release();
    }
}

impl<T: Copy + Send + Default> Default for Value<T> {
    fn default() -> Self {
        Value::new(T::default())
    }
}

/// The lock of a [`Value`] (or [`Array`]), held; dereferences to the data.
/// Dropping it releases the lock, also when the holder panics.
#[must_use = "the lock is released as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ValueGuard<'a, T> {
    /// The access to the data; `None` while the lock is let go in
    /// `unlocked`. Declared first, so it is dropped first: under loom the
    /// access ends before the lock can pass to another thread.
    data: Option<MutPtr<T>>,
    value: &'a Value<T>,
    lock: Guard<'a, Value<T>>,
}

#[allow(unsafe_code)]
impl<T> Deref for ValueGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        let data = self.data.as_ref().expect("guard used after release");
        // SAFETY: this guard's thread holds the lock (taken in `get_lock`,
        // given back only when the guard is dropped), so nothing writes the
        // data meanwhile; the shared reference borrows the guard, so no
        // `&mut` from `deref_mut` can overlap it.
        data.with(|p| unsafe { &*p })
    }
}

#[allow(unsafe_code)]
impl<T> DerefMut for ValueGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        let data = self.data.as_ref().expect("guard used after release");
        // SAFETY: as in `deref`; `&mut self` makes this borrow the only one.
        data.with(|p| unsafe { &mut *p })
    }
}

impl<'a, T> ValueGuard<'a, T> {
    /// Lets go of the lock while `f` runs, and takes it back afterwards (a
    /// condition's `wait`), also if `f` panics. The guard is again the only
    /// way to the data once this returns.
    pub(crate) fn unlocked<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.unlocked_then(f, RawLock::lock)
    }

    /// As [`unlocked`](Self::unlocked), for a condition variable's wait on
    /// `signal`: the lock is taken back with
    /// [`ParkingWord::take_after_requeue`], since a notify may have moved
    /// the waiter into the lock's queue.
    pub(crate) fn unlocked_for_wait<R>(&mut self, signal: &Signal, f: impl FnOnce() -> R) -> R {
        self.unlocked_then(f, |value| {
            value.lock.word().take_after_requeue(signal);
            value.holder.set();
        })
    }

    fn unlocked_then<R>(&mut self, f: impl FnOnce() -> R, relock: impl FnOnce(&Value<T>)) -> R {
        // End the access (under loom: tell loom it ended) before the lock
        // can pass to another thread.
        let ValueGuard { data, value, lock } = self;
        *data = None;
        // Dropped after the lock is taken back, on return or unwind alike.
        let _reaccess = Reaccess { data, value };
        lock.unlocked_then(f, relock)
    }

    /// The parking word of this guard's lock.
    pub(crate) fn lock_word(&self) -> &'a ParkingWord {
        self.value.lock.word()
    }

    /// Before a thread sleeps on a condition: lets go of the lock and waits
    /// a little (`park::Backoff::for_answer`), a few rounds, looking between rounds
    /// at `maybe_ready` (a look that needs no lock); when that says
    /// "maybe", takes the lock and looks at the state with `ready`. Returns
    /// whether `ready` came true, with the lock held either way. When the
    /// thread that will make it true is running on another core it usually
    /// does within that time, and both threads are spared a sleep and a
    /// wake-up. A speed trick only: in the model build, where it would only
    /// add interleavings, it returns `false`.
    pub(crate) fn spin_until(
        &mut self,
        maybe_ready: impl Fn() -> bool,
        ready: impl Fn(&T) -> bool,
    ) -> bool {
        if cfg!(any(feature = "loom", feature = "play")) {
            return false;
        }
        let mut backoff = crate::park::Backoff::for_answer();
        let mut spin = || {
            while backoff.wait() {
                if maybe_ready() {
                    return true;
                }
            }
            false
        };
        while self.unlocked(&mut spin) {
            if ready(self) {
                return true;
            }
        }
        false
    }

    /// The `Value` this guard holds the lock of.
    pub(crate) fn value(&self) -> &'a Value<T> {
        self.value
    }
}

/// Gives a guard its access to the data back when dropped: the end of
/// [`ValueGuard::unlocked`], panics included.
struct Reaccess<'b, 'a, T> {
    data: &'b mut Option<MutPtr<T>>,
    value: &'a Value<T>,
}

impl<T> Drop for Reaccess<'_, '_, T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        *self.data = Some(self.value.data.get_mut());
    }
}

/// Which thread holds a `Value`'s lock, in debug builds of the real crate
/// (the model build and release builds keep nothing and check nothing).
/// Only a misuse check: no primitive relies on it.
#[derive(Debug, Default)]
struct Holder {
    #[cfg(all(debug_assertions, not(feature = "loom")))]
    token: std::sync::atomic::AtomicUsize,
}

impl Holder {
    #[inline]
    fn refuse_reentry(&self) {
        #[cfg(all(debug_assertions, not(feature = "loom")))]
        if self.token.load(std::sync::atomic::Ordering::Relaxed) == crate::sync::thread_token() {
            panic!("this thread already holds this Value's lock; use the guard");
        }
    }

    #[inline]
    fn set(&self) {
        #[cfg(all(debug_assertions, not(feature = "loom")))]
        self.token.store(
            crate::sync::thread_token(),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    #[inline]
    fn clear(&self) {
        #[cfg(all(debug_assertions, not(feature = "loom")))]
        self.token.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A fixed-length array shared between threads, as `multiprocessing.Array`.
///
/// ```
/// use syncbook::Array;
///
/// let a = Array::new(vec![0.0, 1.5, 3.0]);
/// a.set(0, 2.5).unwrap();
/// assert_eq!(a.get(0), Ok(2.5));
/// assert!(a.get(7).is_err()); // IndexError, not a panic
/// a.get_lock().iter_mut().for_each(|x| *x *= 2.0); // one lock for all
/// assert_eq!(a.to_vec(), vec![5.0, 3.0, 6.0]);
/// ```
#[derive(Debug)]
pub struct Array<T> {
    len: usize,
    items: Value<Box<[T]>>,
}

/// The lock of an [`Array`], held; dereferences to the items as a slice.
#[must_use = "the lock is released as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ArrayGuard<'a, T>(ValueGuard<'a, Box<[T]>>);

impl<T> Deref for ArrayGuard<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for ArrayGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T: Copy + Send> Array<T> {
    /// `Array(typecode, items)`: a new shared array holding `items`.
    pub fn new(items: Vec<T>) -> Self {
        Array {
            len: items.len(),
            items: Value::new(items.into_boxed_slice()),
        }
    }

    /// `a[i]`: the item at `i`, under the lock. `Err` past the end.
    pub fn get(&self, index: usize) -> Result<T, IndexError> {
        let items = self.get_lock();
        items.get(index).copied().ok_or(self.out_of_range(index))
    }

    /// `a[i] = x`, under the lock. `Err` (and nothing written) past the end.
    pub fn set(&self, index: usize, item: T) -> Result<(), IndexError> {
        let mut items = self.get_lock();
        let slot = items.get_mut(index).ok_or(self.out_of_range(index))?;
        *slot = item;
        Ok(())
    }

    /// `len(a)`: fixed at creation, so no lock is needed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the array has no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `a[:]`: a copy of all the items, taken under one hold of the lock.
    pub fn to_vec(&self) -> Vec<T> {
        self.get_lock().to_vec()
    }

    /// `with a.get_lock():`: the lock, held until the guard is dropped; the
    /// guard dereferences to the items as a slice.
    pub fn get_lock(&self) -> ArrayGuard<'_, T> {
        ArrayGuard(self.items.get_lock())
    }

    fn out_of_range(&self, index: usize) -> IndexError {
        IndexError {
            index,
            len: self.len,
        }
    }
}

// ANCHOR: racy
/// `v.value += 1` as Python runs it on a `multiprocessing.Value`: a locked
/// read, then a locked write. Another thread can write in between, and its
/// update is lost.
pub fn racy_increment(v: &Value<i32>) {
    let x = v.get();
    trace::step("read", x);
    v.set(x + 1);
    trace::step("write", x + 1);
}

/// The fix: read and write under one hold of the lock.
pub fn locked_increment(v: &Value<i32>) {
    let mut x = v.get_lock();
    *x += 1;
    trace::step("read and write", *x);
}
// ANCHOR_END: racy

/// The third way to write `counter += 1` on shared data: no lock at all.
pub mod naive {
    use crate::sync::{AtomicI32, Ordering, UnsafeCell};
    use crate::trace;

    // ANCHOR: atomic
    /// `counter += 1` on an atomic integer, written as a load and then a
    /// store: each step is atomic, the pair is not. (`fetch_add` would be
    /// the one-step fix, for a counter; a lock is the fix for anything
    /// bigger.)
    pub fn atomic_load_store_increment(counter: &AtomicI32) {
        let x = counter.load(Ordering::SeqCst);
        trace::step("load", x);
        counter.store(x + 1, Ordering::SeqCst);
        trace::step("store", x + 1);
    }
    // ANCHOR_END: atomic

    // ANCHOR: unlocked
    /// A shared cell with no lock: a data race waiting to happen. Safe Rust
    /// will not let you share a plain `i32` for writing between threads;
    /// this type says "trust me" (`unsafe impl Sync`) so that the model can
    /// show what the compiler was protecting you from.
    #[derive(Debug)]
    pub struct UnlockedValue<T> {
        data: UnsafeCell<T>,
    }

    // SAFETY: only sound if no two threads ever use the value at the same
    // time, which is what `new`'s caller promises (and the model breaks).
    #[allow(unsafe_code)]
    unsafe impl<T: Send> Sync for UnlockedValue<T> {}

    impl<T: Copy> UnlockedValue<T> {
        /// # Safety
        /// No two threads may call `get` or `set` at overlapping times.
        #[allow(unsafe_code)]
        pub unsafe fn new(value: T) -> Self {
            UnlockedValue {
                data: UnsafeCell::new(value),
            }
        }

        /// Reads the value, with nothing to stop a concurrent write.
        #[allow(unsafe_code)]
        pub fn get(&self) -> T {
            // SAFETY: `new`'s contract (no concurrent use).
            self.data.with(|p| unsafe { *p })
        }

        /// Writes the value, with nothing to stop a concurrent access.
        #[allow(unsafe_code)]
        pub fn set(&self, value: T) {
            // SAFETY: `new`'s contract (no concurrent use).
            self.data.with_mut(|p| unsafe { *p = value })
        }
    }
    // ANCHOR_END: unlocked
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::Value;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn a_panic_while_unlocked_takes_the_lock_back_and_lets_go_once() {
        let v = Value::new(0);
        let mut guard = v.get_lock();
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            guard.unlocked(|| {
                assert!(!v.lock.locked(), "let go while waiting");
                panic!("while waiting")
            })
        }));
        assert!(panicked.is_err());
        assert!(
            v.lock.locked(),
            "the guard still exists, so its lock must be held again"
        );
        *guard += 1; // the guard is usable again
        drop(guard);
        assert!(!v.lock.locked());
        assert!(
            v.lock.release().is_err(),
            "exactly one release, by the drop"
        );
    }
}
