//! One task: `apply`, `apply_async` and its callback forms. Each task is
//! one job; the job runs the task and fulfils the task's [`AsyncResult`]
//! itself, or, when there are callbacks, hands the outcome to the result
//! handler, which runs the callback and then fulfils the result.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use super::result::{AsyncResult, Promise, promise};
use super::{CallbackJob, Job, Pool, TaskError, run};
use crate::error::panic_message;

/// What the result handler runs for a task submitted with callbacks.
type Notify<R> = Box<dyn FnOnce(&Result<R, TaskError>) + Send>;

impl Pool {
    /// `pool.apply(f)`: runs `f` on a worker and waits for its result.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// assert_eq!(pool.apply(|| "hello".len()), Ok(5));
    /// ```
    pub fn apply<R, F>(&self, f: F) -> Result<R, TaskError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.apply_async(f).get()
    }

    /// `pool.apply_async(f)`: queues `f` to run on a worker and returns at
    /// once; [`AsyncResult::get`] waits for the result. After `close` or
    /// `terminate` the result is at once `Err(TaskError::Closed)`.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let pending: Vec<_> = (0..4).map(|i| pool.apply_async(move || i * 10)).collect();
    /// let got: Vec<i32> = pending.into_iter().map(|r| r.get().unwrap()).collect();
    /// assert_eq!(got, [0, 10, 20, 30]);
    /// ```
    pub fn apply_async<R, F>(&self, f: F) -> AsyncResult<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit(f, None)
    }

    /// `pool.apply_async(f, callback=cb)`: as [`apply_async`](Self::apply_async),
    /// and when the task succeeds, `callback` is called with (a reference
    /// to) its value, on the pool's result-handler thread, one callback at
    /// a time, before the result is ready. No callback for a task that
    /// panicked or never ran. A callback that panics is caught and recorded
    /// (see [`callback_panics`](Self::callback_panics)).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let pool = syncbook::Pool::new(2);
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let r = pool.apply_async_with(|| 7, move |x: &i32| log.lock().unwrap().push(*x));
    /// assert_eq!(r.get(), Ok(7));
    /// assert_eq!(*seen.lock().unwrap(), [7]); // the callback ran before `get` returned
    /// ```
    pub fn apply_async_with<R, F, C>(&self, f: F, callback: C) -> AsyncResult<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
        C: FnOnce(&R) + Send + 'static,
    {
        self.submit(
            f,
            Some(Box::new(move |outcome: &Result<R, TaskError>| {
                if let Ok(value) = outcome {
                    callback(value);
                }
            })),
        )
    }

    /// `pool.apply_async(f, callback=cb, error_callback=ecb)`: as
    /// [`apply_async_with`](Self::apply_async_with), and when the task
    /// panics, `error_callback` is called with its
    /// [`TaskError::Panicked`], on the same thread. Exactly one of the two
    /// runs for a task that ran; neither for a task that never ran.
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let pool = syncbook::Pool::new(1);
    /// let (tx, rx) = mpsc::channel();
    /// let tx2 = tx.clone();
    /// let r = pool.apply_async_with_callbacks(
    ///     || -> i32 { panic!("oops") },
    ///     move |_| tx.send("callback").unwrap(),
    ///     move |e| tx2.send(if e.to_string().ends_with("oops") { "error_callback" } else { "?" }).unwrap(),
    /// );
    /// assert!(r.get().is_err());
    /// assert_eq!(rx.try_iter().collect::<Vec<_>>(), ["error_callback"]);
    /// ```
    pub fn apply_async_with_callbacks<R, F, C, E>(
        &self,
        f: F,
        callback: C,
        error_callback: E,
    ) -> AsyncResult<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
        C: FnOnce(&R) + Send + 'static,
        E: FnOnce(&TaskError) + Send + 'static,
    {
        self.submit(
            f,
            Some(Box::new(
                move |outcome: &Result<R, TaskError>| match outcome {
                    Ok(value) => callback(value),
                    Err(error) => error_callback(error),
                },
            )),
        )
    }

    /// Queues one task; `notify`, if any, runs on the result handler before
    /// the result is delivered.
    fn submit<R, F>(&self, f: F, mut notify: Option<Notify<R>>) -> AsyncResult<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (promise, result) = promise();
        let queued = self
            .shared
            .queue(Some((f, promise)), |shared, state, (f, promise)| {
                let Some(notify) = notify.take() else {
                    return Box::new(move || promise.fulfil(run(f)));
                };
                shared.start_handler(state);
                with_callback(Arc::clone(shared), f, notify, promise)
            });
        if let Err(Some((_, promise))) = queued {
            promise.fulfil(Err(TaskError::Closed));
        }
        result
    }
}

/// The job of a task with callbacks: runs the task, then hands its outcome
/// to the result handler, which calls `notify` and then fulfils `promise`.
fn with_callback<R, F>(
    shared: Arc<super::Shared>,
    f: F,
    notify: Notify<R>,
    promise: Promise<R>,
) -> Job
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    Box::new(move || {
        let outcome = run(f);
        let deliver: CallbackJob = Box::new(move |panics| {
            let called = catch_unwind(AssertUnwindSafe(|| notify(&outcome)));
            if let Err(payload) = called {
                panics.get_lock().push(panic_message(&*payload));
            }
            promise.fulfil(outcome);
        });
        shared.callbacks.put(Some(deliver));
    })
}
