//! Why a pool's work gave no value ([`TaskError`]), why `join` was refused
//! ([`PoolStateError`]), and the message of a caught panic.

use std::fmt;

/// Why a task gave no value: it panicked, or it never ran.
///
/// ```
/// use syncbook::{Pool, TaskError};
///
/// let pool = Pool::new(1);
/// let err = pool.apply(|| -> u32 { panic!("no luck") }).unwrap_err();
/// assert_eq!(err, TaskError::Panicked("no luck".to_string()));
/// assert_eq!(err.to_string(), "the task panicked: no luck");
/// pool.close();
/// assert_eq!(pool.apply(|| 1), Err(TaskError::Closed));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked, with this message (Python re-raises the task's
    /// exception in `get()`). A panic whose payload is not a string has
    /// the message `"(a panic without a message)"`.
    Panicked(String),
    /// The work was submitted after [`Pool::close`](super::Pool::close) or
    /// [`Pool::terminate`](super::Pool::terminate) (Python's `ValueError:
    /// Pool not running`); it never ran.
    Closed,
    /// The work was accepted, but the pool was terminated before a worker
    /// started it; it never ran.
    Terminated,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Panicked(message) => write!(f, "the task panicked: {message}"),
            TaskError::Closed => f.write_str(
                "the pool is not running: no work is accepted after close() or terminate()",
            ),
            TaskError::Terminated => {
                f.write_str("the pool was terminated before this task could run")
            }
        }
    }
}

impl std::error::Error for TaskError {}

/// [`Pool::join`](super::Pool::join) called while the pool is still
/// running (Python's `ValueError: Pool is still running`).
///
/// ```
/// use syncbook::{Pool, PoolStateError};
///
/// let pool = Pool::new(2);
/// assert_eq!(pool.join(), Err(PoolStateError));
/// pool.close();
/// assert_eq!(pool.join(), Ok(()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PoolStateError;

impl fmt::Display for PoolStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "join() before close() or terminate(): the workers would wait for work for ever",
        )
    }
}

impl std::error::Error for PoolStateError {}
