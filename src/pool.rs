//! `Pool`: Python's `multiprocessing.Pool` (or rather its thread twin,
//! `multiprocessing.pool.ThreadPool`), built on the crate's own [`Queue`].
//!
//! A fixed set of worker threads takes jobs from one job queue and runs
//! them; each job delivers its task's result (or the message of its panic)
//! to whoever waits for it: an [`AsyncResult`], or the collector behind
//! `map`, `imap` and `imap_unordered`. Callbacks run on one more thread,
//! the result handler (started with the first callback), one at a time,
//! as in Python.
//!
//! The job queue holds `Option<Job>`: `Some(job)` is work, `None` tells the
//! worker that takes it to stop. A job that is dropped without having run
//! (the pool was terminated) resolves its result to
//! [`TaskError::Terminated`] as it is dropped, so nobody waits for ever.
//!
//! ```text
//! State machine of a pool (the phase, under the pool's lock):
//!
//!   running ──close()──▶ closed ──join()──▶ joined
//!      │                   │
//!      └──terminate()──────┴──▶ terminated ──join()──▶ joined
//!
//! running     jobs are accepted; workers run them in the order queued.
//! closed      no job is accepted (TaskError::Closed); one stop message per
//!             worker is queued behind the accepted jobs, so every accepted
//!             job runs before the workers stop.
//! terminated  no job is accepted; the jobs still queued are taken out and
//!             dropped (their results: TaskError::Terminated) and the stop
//!             messages put in their place. A worker drops any job it
//!             takes from then on: the workers race the emptying, and a
//!             job one of them grabs must not run. Tasks already running
//!             finish (a thread cannot be killed).
//! joined      closed or terminated, and join() has waited for every
//!             thread to end (their handles are gone). Not a phase of its
//!             own: join() can be called again and returns at once.
//! ```
//!
//! `join()` while running is an error ([`PoolStateError`]): the workers
//! would wait for work for ever. Dropping a pool terminates and joins it,
//! as leaving Python's `with Pool() as p:` calls `p.terminate()`.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use crate::buffers::Buffers;
use crate::condition::CondVar;
use crate::lock::Lock;
use crate::park::Deadline;
use crate::queue::Queue;
use crate::sync::{AtomicBool, Ordering, thread};
use crate::trace;
use crate::value::Value;

// ---------------------------------------------------------------------------
// Errors

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
    /// The work was submitted after [`Pool::close`] or [`Pool::terminate`]
    /// (Python's `ValueError: Pool not running`); it never ran.
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

/// [`Pool::join`] called while the pool is still running (Python's
/// `ValueError: Pool is still running`).
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

// ---------------------------------------------------------------------------
// The pool

/// One unit of work, as the workers see it: run it, and it delivers its own
/// result. Dropped without running, it delivers `TaskError::Terminated`.
type Job = Box<dyn FnOnce() + Send>;

/// One unit of work for the result handler: run a task's callback, then
/// deliver the task's result. Given the pool's record of callback panics.
type CallbackJob = Box<dyn FnOnce(&CallbackPanics) + Send>;

/// Messages of the callbacks that panicked, oldest first.
type CallbackPanics = Value<Vec<String>>;

// ANCHOR: struct
/// A pool of worker threads, as `multiprocessing.Pool` (Python's
/// `ThreadPool`): `apply`, `map` and friends hand work to a fixed set of
/// threads and give back the results, in input order where Python does.
///
/// A task that panics does not take its worker down: its result is
/// [`TaskError::Panicked`] with the panic's message, and the pool goes on.
/// `close` + `join` finishes every task accepted; `terminate` (or dropping
/// the pool) drops the work still queued.
///
/// ```
/// use syncbook::Pool;
///
/// let pool = Pool::new(4);
/// let squares = pool.map(|x: u64| x * x, 1..=10).unwrap();
/// assert_eq!(squares, [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
/// let answer = pool.apply_async(|| 6 * 7);
/// assert_eq!(answer.get(), Ok(42));
/// pool.close();
/// pool.join().unwrap();
/// ```
pub struct Pool {
    shared: Arc<Shared>,
    state: Value<State>,
    /// Held for the whole of a `join`, so that a second `join` waits for
    /// the first to finish instead of returning early.
    joining: Lock,
    workers: usize,
}

/// What the pool's threads share with it.
struct Shared {
    /// `Some(job)`: work; `None`: stop.
    jobs: Queue<Option<Job>>,
    /// The result handler's queue, the same way.
    callbacks: Queue<Option<CallbackJob>>,
    callback_panics: CallbackPanics,
    /// Set by `terminate`: a worker drops, without running it, any job it
    /// takes from now on.
    terminated: AtomicBool,
    /// `map`'s chunk buffers, kept for the next call.
    buffers: Arc<Buffers>,
}

struct State {
    phase: Phase,
    /// The workers' handles, until `join` takes them.
    workers: Vec<thread::JoinHandle<()>>,
    /// The result handler, started with the first callback.
    handler: Option<thread::JoinHandle<()>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Running,
    Closed,
    Terminated,
}
// ANCHOR_END: struct

/// Whether `terminate` sets the workers' flag before it empties the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    First,
    Never,
}

/// The chapter's naive version, to be shown wrong by a model.
pub mod naive {
    use super::{Flag, Pool};

    // ANCHOR: naive_terminate
    /// `terminate` as first written: it empties the job queue and puts the
    /// stop messages in, but sets no flag for the workers, who go on taking
    /// jobs from the queue while it is being emptied. A job a worker takes
    /// in the middle of the emptying then runs, though `terminate` had
    /// begun before it was taken. The Pool chapter's model finds the run.
    pub fn terminate_without_flag(pool: &Pool) {
        pool.terminate_with(Flag::Never);
    }
    // ANCHOR_END: naive_terminate
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.workers)
            .field("phase", &self.state.get_lock().phase)
            .finish_non_exhaustive()
    }
}

impl Default for Pool {
    /// `Pool()`: one worker per core (`std::thread::available_parallelism`;
    /// 1 if that is unknown, and under loom).
    ///
    /// ```
    /// let pool = syncbook::Pool::default();
    /// assert!(pool.workers() >= 1);
    /// ```
    fn default() -> Self {
        let cores = if cfg!(feature = "loom") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        Pool::new(cores)
    }
}

impl Pool {
    /// `Pool(n)`: a pool of `n` worker threads, named `pool-worker-0`,
    /// `pool-worker-1`, ..., each waiting for work.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// assert_eq!(pool.workers(), 2);
    /// ```
    ///
    /// # Panics
    /// If `n` is 0 (Python raises `ValueError`), or if the operating
    /// system refuses to start a thread.
    pub fn new(n: usize) -> Pool {
        assert!(
            n > 0,
            "Pool::new(0): a pool needs at least one worker (Python: \"Number of processes must be at least 1\")"
        );
        let shared = Arc::new(Shared {
            jobs: Queue::new(),
            callbacks: Queue::new(),
            callback_panics: Value::new(Vec::new()),
            terminated: AtomicBool::new(false),
            buffers: Arc::new(Buffers::new()),
        });
        let workers = (0..n)
            .map(|i| {
                let shared = Arc::clone(&shared);
                spawn(format!("pool-worker-{i}"), move || work(&shared))
            })
            .collect();
        Pool {
            shared,
            state: Value::new(State {
                phase: Phase::Running,
                workers,
                handler: None,
            }),
            joining: Lock::new(),
            workers: n,
        }
    }

    /// How many worker threads the pool has (Python's `pool._processes`).
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The messages of the callbacks that have panicked so far, oldest
    /// first (not in Python, whose result handler dies with the exception
    /// and leaves the pool hanging). A panicking callback is caught on the
    /// result handler, which goes on with the next one; the task's
    /// [`AsyncResult`] still gets the task's value. Each message is
    /// recorded before that result is ready.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(1);
    /// let r = pool.apply_async_with(|| 1, |_: &i32| panic!("bad callback"));
    /// assert_eq!(r.get(), Ok(1));
    /// assert_eq!(pool.callback_panics(), ["bad callback"]);
    /// ```
    pub fn callback_panics(&self) -> Vec<String> {
        self.shared.callback_panics.get_lock().clone()
    }

    // -----------------------------------------------------------------------
    // One task

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
    fn submit<R, F>(&self, f: F, notify: Option<Notify<R>>) -> AsyncResult<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (promise, result) = promise();
        let mut state = self.state.get_lock();
        if state.phase != Phase::Running {
            drop(state);
            promise.fulfil(Err(TaskError::Closed));
            return result;
        }
        let job: Job = match notify {
            None => Box::new(move || promise.fulfil(run(f))),
            Some(notify) => {
                self.start_handler(&mut state);
                let shared = Arc::clone(&self.shared);
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
        };
        // Queued under the pool's lock: `close` and `terminate` take it
        // too, so no job can slip in behind their stop messages.
        self.shared.jobs.put(Some(job));
        result
    }

    /// Starts the result handler if it is not running yet (pool's lock held).
    fn start_handler(&self, state: &mut State) {
        if state.handler.is_none() {
            let shared = Arc::clone(&self.shared);
            state.handler = Some(spawn("pool-result-handler".to_string(), move || {
                while let Some(deliver) = shared.callbacks.get() {
                    deliver(&shared.callback_panics);
                }
            }));
        }
    }

    // -----------------------------------------------------------------------
    // Many tasks

    /// `pool.map(f, xs)`: runs `f` on every item, spread over the workers,
    /// and returns the results in input order. If tasks panic, waits for
    /// all the others to finish and returns the first failure by input
    /// position. The pool keeps all its workers either way.
    ///
    /// As Python's, it cuts the items into chunks, about four per worker,
    /// and hands each worker a chunk at a time: one hand-off per chunk, not
    /// per item. [`map_with_chunksize`](Self::map_with_chunksize) chooses
    /// the size.
    ///
    /// ```
    /// use syncbook::{Pool, TaskError};
    ///
    /// let pool = Pool::new(2);
    /// let lengths = pool.map(|w: &str| w.len(), ["a", "bb", "ccc"]);
    /// assert_eq!(lengths, Ok(vec![1, 2, 3]));
    /// let halves = pool.map(|x: u32| if x % 2 == 1 { panic!("{x} is odd") } else { x / 2 }, 0..6);
    /// assert_eq!(halves, Err(TaskError::Panicked("1 is odd".to_string())));
    /// ```
    pub fn map<X, R, F>(&self, f: F, xs: impl IntoIterator<Item = X>) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        self.map_async(f, xs).get()
    }

    /// `pool.map(f, xs, chunksize)`: as [`map`](Self::map), with
    /// `chunksize` items per hand-off (at least 1). Every item runs even if
    /// another in its chunk panics.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let squares = pool.map_with_chunksize(|x: u64| x * x, 0..1000, 100).unwrap();
    /// assert_eq!(squares[999], 998_001);
    /// ```
    pub fn map_with_chunksize<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: usize,
    ) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let (promise, result) = promise();
        self.submit_collect(f, xs, Some(chunksize), promise);
        result.get()
    }

    /// `pool.map_async(f, xs)`: as [`map`](Self::map), but returns at once;
    /// the [`AsyncResult`] is ready when every task has finished.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let pending = pool.map_async(|x: i64| -x, vec![1, 2, 3]);
    /// assert_eq!(pending.get(), Ok(vec![-1, -2, -3]));
    /// ```
    pub fn map_async<X, R, F>(&self, f: F, xs: impl IntoIterator<Item = X>) -> AsyncResult<Vec<R>>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let (promise, result) = promise();
        self.submit_collect(f, xs, None, promise);
        result
    }

    // ANCHOR: map
    /// `map` and `map_async`: each chunk delivers its values, or its first
    /// failure, and they are gathered into one `Vec` in input order as they
    /// come (see [`Values`]).
    fn submit_collect<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: Option<usize>,
        promise: Promise<Vec<R>>,
    ) where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let chunks = self.chunk(xs, chunksize);
        let items = chunks.iter().map(Vec::len).sum();
        let buffers = &self.shared.buffers;
        let gather = Values::boxed(items, promise, Arc::clone(buffers));
        let batch = Arc::new(Batch::new(chunks.len(), Order::Input, Some(gather)));
        self.submit_chunks(
            &batch,
            chunks,
            |f: &F, xs: Vec<X>, buffers: &Buffers| run_collecting(f, xs, buffers),
            f,
        );
    }

    /// Cuts the items into chunks: `chunksize` items each, or, if `None`,
    /// Python's choice for `map`: the items split into about four chunks
    /// per worker. The items are taken from the caller's iterator here,
    /// before the pool's lock: none of its code runs under our lock.
    fn chunk<X: Send + 'static>(
        &self,
        xs: impl IntoIterator<Item = X>,
        chunksize: Option<usize>,
    ) -> Vec<Vec<X>> {
        let xs = xs.into_iter();
        let chunksize = match chunksize {
            Some(n) => n.max(1),
            None => {
                let len = match xs.size_hint() {
                    (low, Some(high)) if low == high => low,
                    _ => {
                        let all: Vec<X> = xs.collect();
                        let n = python_chunksize(all.len(), self.workers);
                        return split(all.into_iter(), n, &self.shared.buffers);
                    }
                };
                python_chunksize(len, self.workers)
            }
        };
        split(xs, chunksize, &self.shared.buffers)
    }

    /// Queues one job per chunk, each running `run` over its items and
    /// delivering to its place in `batch` (or fails them all with
    /// `TaskError::Closed` if the pool is not running).
    fn submit_chunks<X, F, C>(
        &self,
        batch: &Arc<Batch<C>>,
        chunks: Vec<Vec<X>>,
        run: fn(&F, Vec<X>, &Buffers) -> C,
        f: F,
    ) where
        F: Send + Sync + 'static,
        X: Send + 'static,
        C: Chunk,
    {
        let parts = chunks
            .iter()
            .enumerate()
            .map(|(index, xs)| Part::new(Arc::clone(batch), index, xs.len()));
        let parts: Vec<Part<C>> = parts.collect();
        let state = self.state.get_lock();
        if state.phase != Phase::Running {
            drop(state);
            if parts.is_empty() {
                batch.finish(Some(C::failed(TaskError::Closed, 0)));
            }
            for part in parts {
                let len = part.len;
                part.deliver(C::failed(TaskError::Closed, len));
            }
            return;
        }
        if parts.is_empty() {
            drop(state);
            batch.finish(None);
            return;
        }
        let f = Arc::new(f);
        for (part, xs) in parts.into_iter().zip(chunks) {
            let f = Arc::clone(&f);
            let buffers = Arc::clone(&self.shared.buffers);
            self.shared.jobs.put(Some(Box::new(move || {
                part.deliver(run(&f, xs, &buffers));
            })));
        }
    }
    // ANCHOR_END: map

    /// `pool.imap(f, xs)`: as [`map`](Self::map), but an iterator over the
    /// results, in input order, each as soon as it and those before it are
    /// ready. A failed task is an `Err` in its place; the others still come.
    /// One item per hand-off, as Python's default `chunksize=1`.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let mut doubled = pool.imap(|x: u8| 2 * x, [1, 2, 3]);
    /// assert_eq!(doubled.next(), Some(Ok(2)));
    /// assert_eq!(doubled.collect::<Result<Vec<_>, _>>(), Ok(vec![4, 6]));
    /// ```
    pub fn imap<X, R, F>(&self, f: F, xs: impl IntoIterator<Item = X>) -> IMapIterator<R>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        self.imap_with_chunksize(f, xs, 1)
    }

    /// `pool.imap(f, xs, chunksize)`: as [`imap`](Self::imap), with
    /// `chunksize` items per hand-off (at least 1); the results of a chunk
    /// come when the whole chunk is done.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let total: u64 = pool.imap_with_chunksize(|x: u64| x, 1..=100, 10).map(Result::unwrap).sum();
    /// assert_eq!(total, 5050);
    /// ```
    pub fn imap_with_chunksize<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: usize,
    ) -> IMapIterator<R>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let (batch, left) = self.submit_items(f, xs, chunksize, Order::Input);
        IMapIterator {
            batch,
            next: 0,
            current: Vec::new().into_iter(),
            left,
        }
    }

    /// `pool.imap_unordered(f, xs)`: as [`imap`](Self::imap), but yields
    /// the results in the order the tasks finish.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let mut got: Vec<u32> = pool
    ///     .imap_unordered(|x: u32| x + 1, 0..5)
    ///     .map(Result::unwrap)
    ///     .collect();
    /// got.sort();
    /// assert_eq!(got, [1, 2, 3, 4, 5]);
    /// ```
    pub fn imap_unordered<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
    ) -> IMapUnorderedIterator<R>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        self.imap_unordered_with_chunksize(f, xs, 1)
    }

    /// `pool.imap_unordered(f, xs, chunksize)`: as
    /// [`imap_unordered`](Self::imap_unordered), `chunksize` items per
    /// hand-off (at least 1); a chunk's results come together, in order.
    pub fn imap_unordered_with_chunksize<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: usize,
    ) -> IMapUnorderedIterator<R>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let (batch, left) = self.submit_items(f, xs, chunksize, Order::Finish);
        IMapUnorderedIterator {
            batch,
            current: Vec::new().into_iter(),
            left,
        }
    }

    /// `imap` and `imap_unordered`: each chunk delivers one result per item.
    fn submit_items<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: usize,
        order: Order,
    ) -> (Arc<Batch<Items<R>>>, usize)
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let chunks = self.chunk(xs, Some(chunksize));
        let items = chunks.iter().map(Vec::len).sum();
        let batch = Arc::new(Batch::new(chunks.len(), order, None));
        self.submit_chunks(
            &batch,
            chunks,
            |f: &F, xs: Vec<X>, _: &Buffers| xs.into_iter().map(|x| run(|| f(x))).collect(),
            f,
        );
        (batch, items)
    }

    // ANCHOR: map_progress
    /// `list(tqdm(pool.imap(f, xs, chunksize), total=len(xs)))`: as
    /// [`map`](Self::map), while a progress bar on standard error counts
    /// the finished items and shows the rate and the time left (see
    /// [`progress`](crate::progress); nothing is drawn when standard error
    /// is not a terminal). The chunks are smaller than `map`'s, at most a
    /// hundredth of the items, so that the bar moves.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let lengths = pool.map_progress(|w: String| w.len(), ["a", "bb"].map(String::from), "words");
    /// assert_eq!(lengths, Ok(vec![1, 2]));
    /// ```
    #[cfg(not(feature = "loom"))]
    pub fn map_progress<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        label: &str,
    ) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        use crate::progress::ProgressExt;

        let xs: Vec<X> = xs.into_iter().collect();
        let chunksize = python_chunksize(xs.len(), self.workers).min(xs.len().div_ceil(100));
        // Every result is taken first, so every task has finished before
        // the first failure by position is returned.
        let results: Vec<Result<R, TaskError>> = self
            .imap_with_chunksize(f, xs, chunksize)
            .progress(label)
            .collect();
        results.into_iter().collect()
    }
    // ANCHOR_END: map_progress

    // -----------------------------------------------------------------------
    // Ending

    // ANCHOR: close_join_terminate
    /// `pool.close()`: accepts no more work; the workers finish every task
    /// already queued, then stop. Work submitted later fails with
    /// [`TaskError::Closed`]. Does nothing if the pool is not running.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let r = pool.apply_async(|| 1);
    /// pool.close();
    /// assert_eq!(r.get(), Ok(1)); // accepted before close: it runs
    /// ```
    pub fn close(&self) {
        let mut state = self.state.get_lock();
        if state.phase == Phase::Running {
            state.phase = Phase::Closed;
            // Behind every accepted job: one stop message per worker.
            for _ in 0..self.workers {
                self.shared.jobs.put(None);
            }
        }
    }

    /// `pool.terminate()`: accepts no more work and stops the workers
    /// without running the tasks still queued; their results become
    /// [`TaskError::Terminated`]. Tasks already running finish (a thread
    /// cannot be killed); [`join`](Self::join) waits for them. A task a
    /// worker had taken but not yet started may go either way. Returns
    /// without waiting. Does nothing if already terminated.
    ///
    /// ```
    /// use syncbook::{Pool, TaskError};
    /// use std::sync::mpsc;
    ///
    /// let pool = Pool::new(1);
    /// let (started, has_started) = mpsc::channel();
    /// let (go, gate) = mpsc::channel();
    /// let busy = pool.apply_async(move || {
    ///     started.send(()).unwrap();
    ///     gate.recv().unwrap() // holds the one worker until we say go
    /// });
    /// has_started.recv().unwrap();
    /// let queued = pool.apply_async(|| "never");
    /// pool.terminate(); // at once, though a task is running
    /// assert_eq!(queued.get(), Err(TaskError::Terminated));
    /// go.send(()).unwrap();
    /// pool.join().unwrap(); // waits for the running task
    /// assert_eq!(busy.get(), Ok(()));
    /// ```
    pub fn terminate(&self) {
        self.terminate_with(Flag::First);
    }

    /// `terminate`, with or without its flag (the naive version, in
    /// [`naive::terminate_without_flag`], has none).
    fn terminate_with(&self, flag: Flag) {
        let dropped = {
            let mut state = self.state.get_lock();
            if state.phase == Phase::Terminated {
                return;
            }
            state.phase = Phase::Terminated;
            // First the flag: the workers go on taking jobs while we empty
            // the queue, and must not run the ones they take from now on.
            if flag == Flag::First {
                self.shared.terminated.store(true, Ordering::Relaxed);
                trace::step("terminate: sets the flag", "");
            }
            // Everything still queued: jobs, and the stop messages of a
            // `close`. The jobs are dropped below, outside the lock.
            let mut dropped: Vec<Job> = Vec::new();
            while let Ok(message) = self.shared.jobs.get_nowait() {
                trace::step(
                    "terminate: takes out",
                    if message.is_some() { "a job" } else { "a stop" },
                );
                dropped.extend(message);
            }
            for _ in 0..self.workers {
                self.shared.jobs.put(None);
            }
            dropped
        };
        // Each dropped job resolves its result to `TaskError::Terminated`.
        drop(dropped);
    }

    /// `pool.join()`: waits until every worker (and the result handler)
    /// has ended: after `close`, once every accepted task has run and its
    /// callback too; after `terminate`, once the running tasks finish.
    /// May be called again. `Err` while the pool is running.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let pool = syncbook::Pool::new(2);
    /// let done = Arc::new(AtomicUsize::new(0));
    /// for _ in 0..10 {
    ///     let done = Arc::clone(&done);
    ///     pool.apply_async(move || done.fetch_add(1, Ordering::Relaxed));
    /// }
    /// assert!(pool.join().is_err()); // still running
    /// pool.close();
    /// pool.join().unwrap();
    /// assert_eq!(done.load(Ordering::Relaxed), 10);
    /// ```
    pub fn join(&self) -> Result<(), PoolStateError> {
        let _joining = self.joining.guard();
        let (workers, handler) = {
            let mut state = self.state.get_lock();
            if state.phase == Phase::Running {
                return Err(PoolStateError);
            }
            (std::mem::take(&mut state.workers), state.handler.take())
        };
        for worker in workers {
            join_thread(worker);
        }
        // The workers have ended, so no more callbacks can come: the
        // handler runs those queued, then stops.
        if let Some(handler) = handler {
            self.shared.callbacks.put(None);
            join_thread(handler);
        }
        Ok(())
    }
    // ANCHOR_END: close_join_terminate
}

impl Drop for Pool {
    /// Terminates the pool and joins its threads, as leaving Python's
    /// `with Pool() as p:` block. Waits only for the tasks already running.
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.terminate();
        let _ = self.join();
    }
}

// ANCHOR: worker
/// A worker's life: take a message; run the job (or drop it, once the pool
/// is terminated), or stop.
fn work(shared: &Shared) {
    while let Some(job) = shared.jobs.get() {
        trace::step("takes a job", "");
        // Relaxed is enough: a job taken after `terminate` began emptying
        // the queue was taken under the queue's lock after that `terminate`
        // let go of it, which orders the flag's store before this load. A
        // job taken earlier may run or not: it was already in our hands.
        if shared.terminated.load(Ordering::Relaxed) {
            trace::step("sees the flag: drops the job", "");
            drop(job); // delivers TaskError::Terminated
        } else {
            job(); // catches the task's panic and delivers the result itself
        }
    }
}

/// Runs a task, turning a panic into `TaskError::Panicked`.
fn run<R>(task: impl FnOnce() -> R) -> Result<R, TaskError> {
    catch_unwind(AssertUnwindSafe(task))
        .map_err(|payload| TaskError::Panicked(panic_message(&*payload)))
}
// ANCHOR_END: worker

/// A panic's message, as Python would print the exception: the `&str` or
/// `String` given to `panic!` (also used by the model kit's reports).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

fn spawn(name: String, f: impl FnOnce() + Send + 'static) -> thread::JoinHandle<()> {
    thread::Builder::new()
        .name(name)
        .spawn(f)
        .expect("the operating system refused to start a pool thread")
}

/// Joins `handle`, unless it is the calling thread (a task or callback that
/// drops or joins its own pool): that one is left to end by itself.
fn join_thread(handle: thread::JoinHandle<()>) {
    if handle.thread().id() != thread::current().id() {
        // The pool's threads catch every panic of user code: no Err here.
        let _ = handle.join();
    }
}

/// What the result handler runs for a task submitted with callbacks.
type Notify<R> = Box<dyn FnOnce(&Result<R, TaskError>) + Send>;

// ---------------------------------------------------------------------------
// One result: AsyncResult and the promise that fills it

// ANCHOR: async_result
/// The result of work handed to a [`Pool`] that may not be ready yet, as
/// Python's `AsyncResult`.
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
    slot: Arc<Slot<T>>,
}

/// Where a result is delivered: empty until then, then never changed.
struct Slot<T> {
    state: Value<SlotState<T>>,
    filled: CondVar,
}

struct SlotState<T> {
    result: Option<Result<T, TaskError>>,
    /// Threads waiting on `filled`: the deliverer notifies only if any.
    waiting: usize,
}

/// The delivering end of an [`AsyncResult`]. Delivers exactly once: by
/// `fulfil`, or, if dropped unfulfilled (its job was dropped without
/// running), `Err(TaskError::Terminated)`.
struct Promise<T: Send> {
    slot: Option<Arc<Slot<T>>>,
}

fn promise<T: Send>() -> (Promise<T>, AsyncResult<T>) {
    let slot = Arc::new(Slot {
        state: Value::new(SlotState {
            result: None,
            waiting: 0,
        }),
        filled: CondVar::new(),
    });
    (
        Promise {
            slot: Some(Arc::clone(&slot)),
        },
        AsyncResult { slot },
    )
}

impl<T: Send> Promise<T> {
    fn fulfil(mut self, result: Result<T, TaskError>) {
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
            let mut state = slot.state.get_lock();
            state.result = Some(Err(TaskError::Terminated));
            if state.waiting > 0 {
                slot.filled.notify_all();
            }
        }
    }
}

impl<T: Send> Slot<T> {
    fn fill(&self, result: Result<T, TaskError>) {
        let mut state = self.state.get_lock();
        state.result = Some(result);
        if state.waiting > 0 {
            self.filled.notify_all();
        }
    }

    /// Waits until the result is in, or the deadline passes; returns
    /// whether it is in.
    fn wait(&self, deadline: Option<&Deadline>) -> bool {
        let mut state = self.state.get_lock();
        // A brief spin first, with the lock let go: a result that comes
        // within microseconds is taken without sleeping (as the Queue does).
        if state.result.is_some() || state.spin_until(|s| s.result.is_some()) {
            return true;
        }
        state.waiting += 1;
        let filled = self
            .filled
            .wait_for_deadline(&mut state, |s| s.result.is_some(), deadline);
        state.waiting -= 1;
        filled
    }
}

impl<T: Send> AsyncResult<T> {
    /// `result.get()`: waits for the result and returns it: the task's
    /// value, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        self.slot.wait(None);
        self.slot
            .state
            .get_lock()
            .result
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
        self.slot.state.get_lock().result.is_some()
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
        self.slot
            .state
            .get_lock()
            .result
            .as_ref()
            .map(|r| r.is_ok())
    }
}

impl<T> fmt::Debug for AsyncResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncResult").finish_non_exhaustive()
    }
}
// ANCHOR_END: async_result

// ---------------------------------------------------------------------------
// Many results: the batch behind map, imap and imap_unordered

// ANCHOR: chunks
/// Python's `map` chunksize: the items in about four chunks per worker.
fn python_chunksize(items: usize, workers: usize) -> usize {
    items.div_ceil(workers * 4).max(1)
}

/// The items, `chunksize` at a time, in buffers kept from earlier calls
/// where there are some.
fn split<X: Send + 'static>(
    mut xs: impl Iterator<Item = X>,
    chunksize: usize,
    buffers: &Buffers,
) -> Vec<Vec<X>> {
    let mut chunks = Vec::new();
    loop {
        let mut chunk = buffers.take(chunksize.min(xs.size_hint().0.max(1)));
        chunk.extend(xs.by_ref().take(chunksize));
        if chunk.is_empty() {
            buffers.give(chunk);
            return chunks;
        }
        chunks.push(chunk);
    }
}

/// Runs `f` on every item of a chunk, even after one panics: the values,
/// or the first failure.
fn run_collecting<X: Send + 'static, R: Send + 'static>(
    f: impl Fn(X) -> R,
    mut xs: Vec<X>,
    buffers: &Buffers,
) -> Result<Vec<R>, TaskError> {
    let mut values = buffers.take(xs.len());
    let mut failure = None;
    let mut items = xs.drain(..);
    // One `catch_unwind` around the whole loop, not one per item: on a
    // panic the loop starts again with the items after the one that
    // panicked, so each item runs exactly once.
    while let Err(payload) =
        catch_unwind(AssertUnwindSafe(|| values.extend(items.by_ref().map(&f))))
    {
        failure.get_or_insert_with(|| TaskError::Panicked(panic_message(&*payload)));
    }
    drop(items);
    buffers.give(xs);
    match failure {
        None => Ok(values),
        Some(error) => Err(error),
    }
}
// ANCHOR_END: chunks

/// What one chunk of a batch delivers: `Result<Vec<R>, TaskError>` for
/// `map` (its values, or its first failure), `Vec<Result<R, TaskError>>`
/// for `imap` (one result per item).
trait Chunk: Send + Sized + 'static {
    /// The chunk of `len` items that never ran, because of `error`.
    fn failed(error: TaskError, len: usize) -> Self;
}

impl<R: Send + 'static> Chunk for Result<Vec<R>, TaskError> {
    fn failed(error: TaskError, _len: usize) -> Self {
        Err(error)
    }
}

impl<R: Send + 'static> Chunk for Vec<Result<R, TaskError>> {
    fn failed(error: TaskError, len: usize) -> Self {
        (0..len).map(|_| Err(error.clone())).collect()
    }
}

/// What `map` does with its chunks' results: takes them in input order,
/// as each becomes the next one, and delivers the whole at the end.
trait Gather<C>: Send {
    /// The next chunk's result, in input order.
    fn absorb(&mut self, chunk: C);
    /// Every chunk is in: deliver the whole.
    fn finish(self: Box<Self>);
}

/// `map`'s gatherer: the values so far, in input order, or the first
/// failure, and the promise to fulfil with them.
struct Values<R: Send> {
    values: Vec<R>,
    failure: Option<TaskError>,
    promise: Promise<Vec<R>>,
    /// Where each chunk's emptied `Vec` goes.
    buffers: Arc<Buffers>,
}

impl<R: Send + 'static> Values<R> {
    fn boxed(
        items: usize,
        promise: Promise<Vec<R>>,
        buffers: Arc<Buffers>,
    ) -> Box<dyn Gather<Result<Vec<R>, TaskError>>> {
        Box::new(Values {
            values: Vec::with_capacity(items),
            failure: None,
            promise,
            buffers,
        })
    }
}

impl<R: Send + 'static> Gather<Result<Vec<R>, TaskError>> for Values<R> {
    fn absorb(&mut self, chunk: Result<Vec<R>, TaskError>) {
        match chunk {
            Ok(mut values) if self.failure.is_none() => {
                self.values.append(&mut values);
                self.buffers.give(values);
            }
            Ok(values) => self.buffers.give(values),
            Err(error) => {
                if self.failure.is_none() {
                    self.failure = Some(error);
                    self.values = Vec::new();
                }
            }
        }
    }

    fn finish(self: Box<Self>) {
        let Values {
            values,
            failure,
            promise,
            ..
        } = *self;
        promise.fulfil(match failure {
            None => Ok(values),
            Some(error) => Err(error),
        });
    }
}

/// In which order a batch keeps its chunks' results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// By input position (`map`, `imap`).
    Input,
    /// As the chunks finish (`imap_unordered`).
    Finish,
}

/// The results of one `map`-like call, filled in by its jobs, a chunk at a
/// time.
struct Batch<C> {
    state: Value<BatchState<C>>,
    delivered: CondVar,
}

struct BatchState<C> {
    order: Order,
    /// `Order::Input`: each chunk's result in its input position, until
    /// it is taken (by the gatherer, or by `imap`'s iterator).
    slots: Vec<Option<C>>,
    /// `Order::Finish`: results not yet taken, in the order delivered.
    finished: VecDeque<C>,
    /// Chunks that have not delivered yet.
    left: usize,
    /// Whether an iterator waits on `delivered`.
    waiting: bool,
    /// `map`'s gatherer, and the first slot it has not taken yet. It takes
    /// each chunk as soon as all those before it are in: by the time the
    /// last chunk delivers, the others are in place, and only that one
    /// is left to copy.
    gather: Option<Box<dyn Gather<C>>>,
    gathered: usize,
}

impl<C: Chunk> Batch<C> {
    fn new(chunks: usize, order: Order, gather: Option<Box<dyn Gather<C>>>) -> Self {
        let slots = match order {
            Order::Input => std::iter::repeat_with(|| None).take(chunks).collect(),
            Order::Finish => Vec::new(),
        };
        Batch {
            state: Value::new(BatchState {
                order,
                slots,
                finished: VecDeque::new(),
                left: chunks,
                waiting: false,
                gather,
                gathered: 0,
            }),
            delivered: CondVar::new(),
        }
    }

    /// Chunk `index` has finished with `result`.
    fn deliver(&self, index: usize, result: C) {
        let complete = {
            let mut state = self.state.get_lock();
            let state = &mut *state;
            match state.order {
                Order::Input => state.slots[index] = Some(result),
                Order::Finish => state.finished.push_back(result),
            }
            state.left -= 1;
            if let Some(gather) = state.gather.as_mut() {
                while let Some(next) = state.slots.get_mut(state.gathered).and_then(Option::take) {
                    gather.absorb(next);
                    state.gathered += 1;
                }
            }
            if state.waiting {
                self.delivered.notify_all();
            }
            if state.left == 0 {
                state.gather.take()
            } else {
                None
            }
        };
        // Delivered outside the batch's lock.
        if let Some(gather) = complete {
            gather.finish();
        }
    }

    /// No chunks at all: the gatherer, if any, finishes with `only` (none:
    /// `map` of nothing is an empty `Vec`).
    fn finish(&self, only: Option<C>) {
        let gather = self.state.get_lock().gather.take();
        if let Some(mut gather) = gather {
            if let Some(chunk) = only {
                gather.absorb(chunk);
            }
            gather.finish();
        }
    }

    /// Waits until `take` finds a chunk's results, and returns them.
    fn wait_take(&self, mut take: impl FnMut(&mut BatchState<C>) -> Option<C>) -> C {
        let mut state = self.state.get_lock();
        loop {
            if let Some(result) = take(&mut state) {
                return result;
            }
            state.waiting = true;
            self.delivered.wait(&mut state);
            state.waiting = false;
        }
    }
}

/// One chunk's place in a batch. Delivers exactly once: by `deliver`, or,
/// if dropped first (its job was dropped without running), as failed with
/// `TaskError::Terminated`.
struct Part<C: Chunk> {
    batch: Option<Arc<Batch<C>>>,
    index: usize,
    len: usize,
}

impl<C: Chunk> Part<C> {
    fn new(batch: Arc<Batch<C>>, index: usize, len: usize) -> Self {
        Part {
            batch: Some(batch),
            index,
            len,
        }
    }

    fn deliver(mut self, result: C) {
        if let Some(batch) = self.batch.take() {
            batch.deliver(self.index, result);
        }
    }
}

impl<C: Chunk> Drop for Part<C> {
    fn drop(&mut self) {
        if let Some(batch) = self.batch.take() {
            if crate::sync::abandoning_model_execution() {
                return;
            }
            batch.deliver(self.index, C::failed(TaskError::Terminated, self.len));
        }
    }
}

type Items<R> = Vec<Result<R, TaskError>>;

/// The iterator [`Pool::imap`] returns: each task's result in input order,
/// waiting for it if need be.
pub struct IMapIterator<R: Send + 'static> {
    batch: Arc<Batch<Items<R>>>,
    /// The next chunk to take from the batch.
    next: usize,
    /// The chunk being handed out.
    current: std::vec::IntoIter<Result<R, TaskError>>,
    left: usize,
}

impl<R: Send + 'static> Iterator for IMapIterator<R> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        loop {
            if let Some(result) = self.current.next() {
                self.left -= 1;
                return Some(result);
            }
            let index = self.next;
            self.current = self.batch.wait_take(|s| s.slots[index].take()).into_iter();
            self.next += 1;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<R: Send + 'static> ExactSizeIterator for IMapIterator<R> {}

impl<R: Send + 'static> fmt::Debug for IMapIterator<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IMapIterator")
            .field("left", &self.left)
            .finish_non_exhaustive()
    }
}

/// The iterator [`Pool::imap_unordered`] returns: the tasks' results in the
/// order they finish, waiting for the next if need be.
pub struct IMapUnorderedIterator<R: Send + 'static> {
    batch: Arc<Batch<Items<R>>>,
    current: std::vec::IntoIter<Result<R, TaskError>>,
    left: usize,
}

impl<R: Send + 'static> Iterator for IMapUnorderedIterator<R> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        loop {
            if let Some(result) = self.current.next() {
                self.left -= 1;
                return Some(result);
            }
            self.current = self.batch.wait_take(|s| s.finished.pop_front()).into_iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<R: Send + 'static> ExactSizeIterator for IMapUnorderedIterator<R> {}

impl<R: Send + 'static> fmt::Debug for IMapUnorderedIterator<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IMapUnorderedIterator")
            .field("left", &self.left)
            .finish_non_exhaustive()
    }
}
