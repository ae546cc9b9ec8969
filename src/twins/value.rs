//! Broken twins of [`Value`](crate::Value)'s exact increment (model build
//! only): a shared `i32` with `new`, `increment` and `get`, where the real
//! one is `Value::new`, `value::locked_increment` and `Value::get`.

use super::lock::RelaxedRelease;
use crate::lock::Lock;
use crate::sync::UnsafeCell;
use crate::value::{Value, racy_increment};

/// Python's `v.value += 1`: a locked get, then a locked set (the real
/// `locked_increment` holds the lock across both).
#[derive(Debug, Default)]
pub struct SeparateGetSet(Value<i32>);

impl SeparateGetSet {
    /// A value of `x`.
    pub fn new(x: i32) -> Self {
        SeparateGetSet(Value::new(x))
    }
    /// Reads under the lock, then writes under the lock.
    pub fn increment(&self) {
        racy_increment(&self.0);
    }
    /// As the real `get`.
    pub fn get(&self) -> i32 {
        self.0.get()
    }
}

/// A number in a cell beside a lock, each `unsafe` access promised to be
/// under the lock (as `Value`'s guard promises).
#[derive(Debug)]
struct Cell<L> {
    lock: L,
    data: UnsafeCell<i32>,
}

// SAFETY: not sound: each twin breaks the promise in its own way, on
// purpose. Only the model build has twins, and there loom's `UnsafeCell`
// reports the first two accesses that nothing orders, before anything
// undefined happens.
#[allow(unsafe_code)]
unsafe impl<L: Sync> Sync for Cell<L> {}

impl<L> Cell<L> {
    #[allow(unsafe_code)]
    fn read(&self) -> i32 {
        // SAFETY: see `Sync` above; loom checks this access.
        self.data.with(|p| unsafe { *p })
    }

    #[allow(unsafe_code)]
    fn add_one(&self) {
        // SAFETY: see `Sync` above; loom checks this access.
        self.data.with_mut(|p| unsafe { *p += 1 })
    }
}

/// A guard that publishes with `Relaxed`: the lock's release does not
/// order the holder's write before the next holder's read (the real lock
/// releases with `Release`).
#[derive(Debug)]
pub struct RelaxedGuard(Cell<RelaxedRelease>);

impl RelaxedGuard {
    /// A value of `x`.
    pub fn new(x: i32) -> Self {
        RelaxedGuard(Cell {
            lock: RelaxedRelease::new(),
            data: UnsafeCell::new(x),
        })
    }
    /// Read and write under one hold of the lock.
    pub fn increment(&self) {
        self.0.lock.acquire();
        self.0.add_one();
        self.0.lock.release();
    }
    /// Reads under the lock.
    pub fn get(&self) -> i32 {
        self.0.lock.acquire();
        let x = self.0.read();
        self.0.lock.release();
        x
    }
}

/// Reads without the lock ("a read changes nothing"), where the real `get`
/// takes it: the read races a holder's write.
#[derive(Debug)]
pub struct UnlockedGet(Cell<Lock>);

impl UnlockedGet {
    /// A value of `x`.
    pub fn new(x: i32) -> Self {
        UnlockedGet(Cell {
            lock: Lock::new(),
            data: UnsafeCell::new(x),
        })
    }
    /// Read and write under one hold of the lock.
    pub fn increment(&self) {
        self.0.lock.acquire();
        self.0.add_one();
        let _ = self.0.lock.release();
    }
    /// Reads, without the lock.
    pub fn get(&self) -> i32 {
        self.0.read()
    }
}
