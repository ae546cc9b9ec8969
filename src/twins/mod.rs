//! Broken twins (model build only): copies of the crate's primitives, each
//! with one realistic mistake, that the chapters' models must reject. A
//! model is only as strong as the wrong versions it tells apart from the
//! right one; each chapter's tests run their models against its twins.

pub mod lock;
pub mod rlock;
pub mod semaphore;
pub mod value;
