//! Broken twins (model build only): copies of the crate's primitives, each
//! with one realistic mistake, that the chapters' models must reject. A
//! model is only as strong as the wrong versions it tells apart from the
//! right one; each chapter's tests run their models against the real
//! primitive, which must pass, and against each twin, which must fail with
//! a counterexample loom found (an assertion, a deadlock, a data race).

pub mod barrier;
#[cfg(feature = "loom")]
pub mod condition;
pub mod lock;
pub mod manager;
pub mod pipe;
pub mod pool;
pub mod queue;
pub mod rlock;
pub mod semaphore;
pub mod value;
