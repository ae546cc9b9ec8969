//! # syncbook
//!
//! Concurrency primitives built by hand, with Python's names and behaviour
//! and Rust's idioms, for the workbook of the same name. Each module is one
//! chapter of the book:
//!
//! | Python | here |
//! |---|---|
//! | `multiprocessing.Value`, `Array` | [`Value`], [`Array`] |
//! | `threading.Lock` | [`Lock`] |
//! | `threading.RLock` | [`RLock`] |
//! | `threading.Condition`, `Event` | [`Condition`], [`Event`] |
//! | `threading.Semaphore`, `BoundedSemaphore` | [`Semaphore`], [`BoundedSemaphore`] |
//! | `threading.Barrier` | [`Barrier`] |
//! | `queue.Queue` | [`Queue`] |
//! | `multiprocessing.Pipe` | [`pipe()`], [`pipe_oneway`], [`Connection`] |
//! | `multiprocessing.Pool` | [`Pool`], [`AsyncResult`] |
//!
//! Every primitive is built from atomics, parking, and the crate's own lower
//! primitives, imported through one switch (`sync.rs`) so that the same
//! source also compiles against [loom](https://docs.rs/loom) for the
//! model-checking tests.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod barrier;
mod buffers;
mod channel;
pub mod condition;
mod error;
pub mod event;
mod guard;
pub mod lock;
pub mod manager;
mod park;
pub mod pipe;
pub mod pool;
#[cfg(not(feature = "loom"))]
pub mod progress;
pub mod queue;
pub mod rlock;
pub mod semaphore;
pub mod spin;
mod sync;
pub mod trace;
/// Why `counter += 1` on a shared integer does not compile in safe Rust:
///
#[doc = include_str!("listings/shared_counter.md")]
pub mod value;

#[cfg(feature = "loom")]
pub mod check;
#[cfg(feature = "play")]
pub mod play;
#[cfg(any(feature = "loom", feature = "play"))]
pub mod scenarios;
#[cfg(any(feature = "loom", feature = "play"))]
pub mod twins;

pub use barrier::Barrier;
pub use condition::{CondVar, Condition, ConditionGuard};
pub use error::{
    BrokenBarrierError, Empty, Full, IndexError, RecvError, ReleaseError, SendCause, SendError,
    TaskDoneError,
};
pub use event::Event;
pub use guard::Guard;
pub use lock::{Lock, LockGuard};
pub use manager::{DictProxy, ListProxy, Manager, ManagerGone};
pub use pipe::{Connection, Receiver, Sender, pipe, pipe_oneway};
pub use pool::{AsyncResult, IMapIterator, IMapUnorderedIterator, Pool, PoolStateError, TaskError};
pub use queue::Queue;
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{BoundedSemaphore, BoundedSemaphoreGuard, Semaphore, SemaphoreGuard};
pub use value::{Array, ArrayGuard, Value, ValueGuard};
