//! `Pool`: Python's `multiprocessing.Pool` (or rather its thread twin,
//! `multiprocessing.pool.ThreadPool`), built on the crate's own [`Queue`].
//!
//! A fixed set of worker threads takes jobs from one job queue and runs
//! them; each job delivers its task's result (or the message of its panic)
//! to whoever waits for it: an [`AsyncResult`], or the batch behind `map`,
//! `imap` and `imap_unordered`. Callbacks run on one more thread, the
//! result handler (started with the first callback), one at a time, as in
//! Python.
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
//!
//! This file is the pool's life: its threads, `close`, `terminate`,
//! `join`. The rest, one job per file: `apply.rs` (one task),
//! `result.rs` (its [`AsyncResult`]), `chunks.rs` (the engine behind the
//! many-task calls: an input cut into chunks, a bounded number in flight),
//! `imap.rs` and `map.rs` (the calls themselves), `progress.rs`
//! (`map_progress`), `error.rs`.

mod apply;
mod chunks;
mod error;
mod imap;
mod map;
#[cfg(not(feature = "loom"))]
mod progress;
mod result;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::buffers::Buffers;
use crate::queue::Queue;
use crate::sync::{AtomicBool, Ordering, thread};
use crate::trace;
use crate::value::Value;

use crate::error::panic_message;
pub use error::{PoolStateError, TaskError};
pub use imap::{IMapIterator, IMapUnorderedIterator};
pub use result::AsyncResult;

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
    /// The workers' handles, until `join` takes them. Held for the whole
    /// of a `join`, so that a second `join` waits for the first to finish
    /// instead of returning early.
    threads: Value<Vec<thread::JoinHandle<()>>>,
    workers: usize,
}

/// What the pool's threads, and its `imap` iterators, share with it.
struct Shared {
    state: Value<State>,
    /// `Some(job)`: work; `None`: stop.
    jobs: Queue<Option<Job>>,
    /// The result handler's queue, the same way.
    callbacks: Queue<Option<CallbackJob>>,
    callback_panics: CallbackPanics,
    /// Set by `terminate`: a worker drops, without running it, any job it
    /// takes from now on.
    terminated: AtomicBool,
    /// Chunk buffers, kept from one call for the next (`buffers.rs`).
    buffers: Arc<Buffers>,
}

struct State {
    phase: Phase,
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
            .field("phase", &self.shared.state.get_lock().phase)
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
        let cores = if cfg!(any(feature = "loom", feature = "play")) {
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
            state: Value::new(State {
                phase: Phase::Running,
                handler: None,
            }),
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
            threads: Value::new(workers),
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
        let mut state = self.shared.state.get_lock();
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
            let mut state = self.shared.state.get_lock();
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
        let mut threads = self.threads.get_lock();
        let handler = {
            let mut state = self.shared.state.get_lock();
            if state.phase == Phase::Running {
                return Err(PoolStateError);
            }
            state.handler.take()
        };
        for worker in std::mem::take(&mut *threads) {
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

impl Shared {
    /// Queues a job for each piece of `work`, made by `make`, if the pool
    /// is running; if not, gives `work` back untouched. Under the pool's
    /// lock: `close` and `terminate` take it too, so no job can slip in
    /// behind their stop messages.
    fn queue<W: IntoIterator>(
        self: &Arc<Self>,
        work: W,
        mut make: impl FnMut(&Arc<Self>, &mut State, W::Item) -> Job,
    ) -> Result<(), W> {
        let mut state = self.state.get_lock();
        if state.phase != Phase::Running {
            return Err(work);
        }
        for piece in work {
            let job = make(self, &mut state, piece);
            self.jobs.put(Some(job));
        }
        Ok(())
    }

    /// Starts the result handler if it is not running yet (pool's lock held).
    fn start_handler(self: &Arc<Self>, state: &mut State) {
        if state.handler.is_none() {
            let shared = Arc::clone(self);
            state.handler = Some(spawn("pool-result-handler".to_string(), move || {
                while let Some(deliver) = shared.callbacks.get() {
                    deliver(&shared.callback_panics);
                }
            }));
        }
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
