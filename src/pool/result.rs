//! One result: [`AsyncResult`], and the [`Promise`] a job fulfils it with,
//! both on the crate's one-shot (`src/channel/oneshot.rs`).
//!
//! ```text
//! A result:   pending ──fulfil──▶ ready ──get──▶ taken
//!
//! pending  the work has not finished; `wait` sleeps until it is ready.
//! ready    fulfilled exactly once: by the promise, with the task's value
//!          or its error, or, if the promise is dropped unfulfilled (its
//!          job was dropped without running), with TaskError::Terminated.
//! taken    `AsyncResult::get` took the value out; the result is gone.
//! ```

use std::fmt;
use std::time::Duration;

use super::TaskError;
use crate::channel::oneshot::{Filler, OneShot, oneshot};
use crate::park::Deadline;

// ANCHOR: async_result
/// The result of work handed to a [`Pool`](super::Pool) that may not be
/// ready yet, as Python's `AsyncResult`.
///
/// ```
/// use std::time::Duration;
///
/// let pool = syncbook::Pool::new(1);
/// let r = pool.apply_async(|| 2 + 2);
/// assert!(r.wait_timeout(Duration::from_secs(60)));
/// assert!(r.ready());
/// assert_eq!(r.get(), Ok(4));
/// ```
pub struct AsyncResult<T: Send> {
    shot: OneShot<Result<T, TaskError>>,
}

/// The delivering end of an [`AsyncResult`]. Delivers exactly once: by
/// `fulfil`, or, if dropped unfulfilled (its job was dropped without
/// running), the one-shot is gone, which the result reads as
/// `Err(TaskError::Terminated)`.
pub(super) struct Promise<T: Send> {
    filler: Filler<Result<T, TaskError>>,
}

/// A promise and the result it will fulfil.
pub(super) fn promise<T: Send>() -> (Promise<T>, AsyncResult<T>) {
    let (filler, shot) = oneshot();
    (Promise { filler }, AsyncResult { shot })
}

impl<T: Send> Promise<T> {
    pub(super) fn fulfil(self, result: Result<T, TaskError>) {
        self.filler.fill(result);
    }
}

impl<T: Send> AsyncResult<T> {
    /// `result.get()`: waits for the result and returns it: the task's
    /// value, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        self.shot.recv().unwrap_or(Err(TaskError::Terminated))
    }

    /// `result.wait()`: waits until the result is ready, without taking it.
    pub fn wait(&self) {
        self.shot.wait(None);
    }

    /// `result.wait(timeout)`: waits until the result is ready or
    /// `timeout` has passed; returns whether it is ready. (Python's returns
    /// `None`; call `ready()` after it.)
    ///
    /// ```
    /// use std::time::Duration;
    /// use std::sync::mpsc;
    ///
    /// let pool = syncbook::Pool::new(1);
    /// let (go, gate) = mpsc::channel::<()>();
    /// let r = pool.apply_async(move || gate.recv().unwrap());
    /// assert!(!r.wait_timeout(Duration::from_millis(10))); // not yet
    /// go.send(()).unwrap();
    /// assert!(r.wait_timeout(Duration::from_secs(60)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.shot.wait(Some(&Deadline::after(timeout)))
    }

    /// `result.ready()`: whether the result is in (a value or an error);
    /// never waits.
    pub fn ready(&self) -> bool {
        self.shot.is_ready()
    }

    /// `result.successful()`: `Some(true)` if the task returned a value,
    /// `Some(false)` if it failed, `None` if it is not ready (Python raises
    /// `ValueError`).
    ///
    /// ```
    /// let pool = syncbook::Pool::new(1);
    /// let r = pool.apply_async(|| -> () { panic!("no") });
    /// r.wait();
    /// assert_eq!(r.successful(), Some(false));
    /// ```
    pub fn successful(&self) -> Option<bool> {
        self.shot
            .peek(|outcome| outcome.map(|r| matches!(r, Ok(Ok(_)))))
    }
}

impl<T: Send> fmt::Debug for AsyncResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncResult").finish_non_exhaustive()
    }
}
// ANCHOR_END: async_result
