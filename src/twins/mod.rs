//! Broken twins: each primitive with one realistic mistake, model build
//! only; every chapter's models must reject each of them. A model that
//! passes a twin is too weak: the chapter's tests run every model against
//! the real primitive, which must pass, and against each twin, which must
//! fail with a counterexample loom found (an assertion, a deadlock).

pub mod barrier;
pub mod condition;
pub mod manager;
pub mod pipe;
pub mod pool;
pub mod queue;
