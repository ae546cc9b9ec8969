//! One result: [`AsyncResult`], and the [`Promise`] a job fulfils it with.
//!
//! ```text
//! A result's slot:   empty ──fill──▶ full ──take──▶ taken
//!
//! empty   the work has not finished; `wait` sleeps until `fill`.
//! full    filled exactly once: by the promise, with the task's value or
//!         its error, or, if the promise is dropped unfulfilled (its job
//!         was dropped without running), with TaskError::Terminated.
//! taken   `AsyncResult::get` took the value out; the result is gone.
//! ```
//!
//! The slot is all the synchronisation there is, behind a small API
//! (`fill`, `wait`, `take`, `is_ready`, `peek`): a one-shot channel.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::TaskError;
use crate::condition::CondVar;
use crate::park::Deadline;
use crate::value::Value;

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
pub struct AsyncResult<T> {
    slot: Arc<Slot<Result<T, TaskError>>>,
}

/// The delivering end of an [`AsyncResult`]. Delivers exactly once: by
/// `fulfil`, or, if dropped unfulfilled (its job was dropped without
/// running), `Err(TaskError::Terminated)`.
pub(super) struct Promise<T: Send> {
    slot: Option<Arc<Slot<Result<T, TaskError>>>>,
}

/// A promise and the result it will fulfil.
pub(super) fn promise<T: Send>() -> (Promise<T>, AsyncResult<T>) {
    let slot = Arc::new(Slot::new());
    (
        Promise {
            slot: Some(Arc::clone(&slot)),
        },
        AsyncResult { slot },
    )
}

impl<T: Send> Promise<T> {
    pub(super) fn fulfil(mut self, result: Result<T, TaskError>) {
        if let Some(slot) = self.slot.take() {
            slot.fill(result);
        }
    }
}

impl<T: Send> Drop for Promise<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            if crate::sync::abandoning_model_execution() {
                return;
            }
            slot.fill(Err(TaskError::Terminated));
        }
    }
}

impl<T: Send> AsyncResult<T> {
    /// `result.get()`: waits for the result and returns it: the task's
    /// value, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        self.slot.wait(None);
        self.slot
            .take()
            .expect("wait returns once the result is in")
    }

    /// `result.wait()`: waits until the result is ready, without taking it.
    pub fn wait(&self) {
        self.slot.wait(None);
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
        self.slot.wait(Some(&Deadline::after(timeout)))
    }

    /// `result.ready()`: whether the result is in (a value or an error);
    /// never waits.
    pub fn ready(&self) -> bool {
        self.slot.is_ready()
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
        self.slot.peek(Result::is_ok)
    }
}

impl<T> fmt::Debug for AsyncResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncResult").finish_non_exhaustive()
    }
}
// ANCHOR_END: async_result

/// Where a value is delivered: empty until then, then filled once.
struct Slot<T> {
    state: Value<SlotState<T>>,
    filled: CondVar,
}

struct SlotState<T> {
    value: Option<T>,
    /// Threads waiting on `filled`: the filler notifies only if any.
    waiting: usize,
}

impl<T: Send> Slot<T> {
    fn new() -> Self {
        Slot {
            state: Value::new(SlotState {
                value: None,
                waiting: 0,
            }),
            filled: CondVar::new(),
        }
    }

    /// Puts the value in and wakes whoever waits for it.
    fn fill(&self, value: T) {
        let mut state = self.state.get_lock();
        state.value = Some(value);
        if state.waiting > 0 {
            self.filled.notify_all();
        }
    }

    /// Waits until the value is in, or the deadline passes; returns
    /// whether it is in.
    fn wait(&self, deadline: Option<&Deadline>) -> bool {
        let mut state = self.state.get_lock();
        // A brief spin first, with the lock let go: a value that comes
        // within microseconds is taken without sleeping (as the Queue does).
        if state.value.is_some() || state.spin_until(|s| s.value.is_some()) {
            return true;
        }
        state.waiting += 1;
        let filled = self
            .filled
            .wait_for_deadline(&mut state, |s| s.value.is_some(), deadline);
        state.waiting -= 1;
        filled
    }

    /// The value, if it is in; the slot is empty again afterwards.
    fn take(&self) -> Option<T> {
        self.state.get_lock().value.take()
    }

    /// Whether the value is in; never waits.
    fn is_ready(&self) -> bool {
        self.state.get_lock().value.is_some()
    }

    /// `look` at the value, if it is in, without taking it.
    fn peek<U>(&self, look: impl FnOnce(&T) -> U) -> Option<U> {
        self.state.get_lock().value.as_ref().map(look)
    }
}
