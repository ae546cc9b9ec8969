//! The crate's errors: what Python raises, as values.
//!
//! Each is a small type implementing [`std::error::Error`], with a message
//! that says what went wrong in the words a Python programmer already knows.

use std::fmt;

/// A release that Python would refuse with `RuntimeError` (or `ValueError`).
///
/// ```
/// use syncbook::{Lock, ReleaseError};
///
/// let lock = Lock::new();
/// let err = lock.release().unwrap_err();
/// assert_eq!(err, ReleaseError::Unlocked);
/// assert_eq!(err.to_string(), "release of an unlocked lock");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The lock was not held by anyone.
    Unlocked,
    /// An [`RLock`](crate::RLock) released by a thread that does not own it.
    NotOwner,
    /// A [`BoundedSemaphore`](crate::BoundedSemaphore) released past its
    /// initial value (Python's `ValueError`).
    TooManyReleases,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseError::Unlocked => f.write_str("release of an unlocked lock"),
            ReleaseError::NotOwner => {
                f.write_str("release of an RLock that the calling thread does not own")
            }
            ReleaseError::TooManyReleases => f.write_str(
                "semaphore released too many times: its value would pass its initial value",
            ),
        }
    }
}

impl std::error::Error for ReleaseError {}

/// An index past the end of an [`Array`](crate::Array), Python's `IndexError`.
///
/// ```
/// use syncbook::Array;
///
/// let a = Array::new(vec![1, 2, 3]);
/// let err = a.get(3).unwrap_err();
/// assert_eq!(err.to_string(), "array index 3 out of range for an array of length 3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexError {
    /// The index that was asked for.
    pub index: usize,
    /// The array's length.
    pub len: usize,
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "array index {} out of range for an array of length {}",
            self.index, self.len
        )
    }
}

impl std::error::Error for IndexError {}

/// A [`Barrier`](crate::Barrier) that is broken: a waiting thread timed out,
/// or it was aborted, or reset while threads were waiting (Python's
/// `threading.BrokenBarrierError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier is broken: a thread timed out, or it was aborted or reset")
    }
}

impl std::error::Error for BrokenBarrierError {}
