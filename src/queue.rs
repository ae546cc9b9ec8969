//! `Queue`: Python's `queue.Queue`, built the way CPython builds it: one
//! lock around a double-ended queue, and three conditions on that one lock.
//!
//! The lock, the items and two of the conditions are the crate's channel
//! core (`src/channel/`): a [`Value`](crate::Value) around the items, and
//! two [`CondVar`]s on it:
//!
//! - `not_empty`: `get` waits on it while there is nothing to get; `put`
//!   notifies one waiter.
//! - `not_full`: `put` waits on it while a bounded queue is full; `get`
//!   notifies one waiter.
//!
//! The third is the queue's own, on the same lock:
//!
//! - `all_tasks_done`: `join` waits on it while tasks are unfinished;
//!   `task_done` notifies every waiter when the count reaches zero.
//!
//! State, all under the lock: the items (never more than `maxsize`), and
//! the count of unfinished tasks (kept beside the items, raised by each
//! `put` as its item goes in, lowered by each `task_done`, never below
//! zero, so never smaller than the number of items still queued). A queue
//! is never closed.

use std::time::Duration;

use crate::channel::{Channel, Names, RecvFail, SendFail};
use crate::condition::CondVar;
use crate::error::{Empty, Full, TaskDoneError};
use crate::park::Deadline;
use crate::trace;

// ANCHOR: struct
/// A first-in-first-out queue for many producers and many consumers, with
/// Python's `task_done` and `join`, as `queue.Queue`.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::thread;
/// use syncbook::Queue;
///
/// let jobs = Queue::bounded(8);
/// let total = AtomicU64::new(0);
/// thread::scope(|s| {
///     s.spawn(|| {
///         for _ in 0..20 {
///             let n: u64 = jobs.get();
///             total.fetch_add(n * n, Ordering::Relaxed);
///             jobs.task_done().unwrap();
///         }
///     });
///     for n in 1..=20 {
///         jobs.put(n);
///     }
///     jobs.join(); // returns once the worker has finished all twenty
///     assert_eq!(total.load(Ordering::Relaxed), 2870);
/// });
/// ```
#[derive(Debug)]
pub struct Queue<T> {
    /// The items, `not_empty` and `not_full`, and the count of unfinished
    /// tasks beside the items, under the channel's lock.
    channel: Channel<T, Tasks>,
    all_tasks_done: CondVar,
}

#[derive(Debug)]
struct Tasks {
    unfinished: usize,
}
// ANCHOR_END: struct

static NAMES: Names = Names {
    readable: "not_empty",
    writable: "not_full",
    sent: "puts; items:",
    received: "gets; items:",
    closed: "closes",
    received_end: "gets nothing: closed",
};

impl<T: Send> Default for Queue<T> {
    fn default() -> Self {
        Queue::new()
    }
}

impl<T: Send> Queue<T> {
    /// `queue.Queue()`: a queue with no bound; `put` never waits.
    pub fn new() -> Self {
        Queue::with_maxsize(None)
    }

    /// `queue.Queue(maxsize)`: a queue that holds at most `maxsize` items;
    /// `put` waits while it is full.
    ///
    /// # Panics
    /// If `maxsize` is 0. (Python's `Queue(0)` is unbounded: that is
    /// [`Queue::new`] here.)
    pub fn bounded(maxsize: usize) -> Self {
        assert!(
            maxsize > 0,
            "Queue::bounded(0) could never hold an item; Python's Queue(0) is unbounded: use Queue::new()"
        );
        Queue::with_maxsize(Some(maxsize))
    }

    fn with_maxsize(maxsize: Option<usize>) -> Self {
        Queue {
            channel: Channel::new(maxsize, Tasks { unfinished: 0 }, &NAMES),
            all_tasks_done: CondVar::named("all_tasks_done"),
        }
    }

    // ANCHOR: put
    /// `q.put(item)`: adds `item` at the back, waiting while the queue is
    /// full. Counts one more unfinished task.
    pub fn put(&self, item: T) {
        let _ = self.put_until(item, None);
    }

    /// `q.put(item, timeout=t)`: as `put`, but gives up after `timeout` and
    /// hands the item back in the `Err`.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), Full<T>> {
        self.put_until(item, Some(&Deadline::after(timeout)))
    }

    /// `q.put_nowait(item)`: as `put`, but fails at once, handing the item
    /// back, if the queue is full.
    pub fn put_nowait(&self, item: T) -> Result<(), Full<T>> {
        let put = self.channel.try_send(item, count_a_task);
        put.map_err(handed_back)
    }

    fn put_until(&self, item: T, deadline: Option<&Deadline>) -> Result<(), Full<T>> {
        let put = self.channel.send(item, deadline, count_a_task);
        put.map_err(handed_back)
    }
    // ANCHOR_END: put

    // ANCHOR: get
    /// `q.get()`: removes and returns the item at the front, waiting while
    /// the queue is empty. Does not lower the count of unfinished tasks:
    /// only `task_done` does.
    pub fn get(&self) -> T {
        self.get_until(None)
            .expect("without a deadline, get waits until there is an item")
    }

    /// `q.get(timeout=t)`: as `get`, but gives up after `timeout`.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, Empty> {
        self.get_until(Some(&Deadline::after(timeout)))
    }

    /// `q.get_nowait()`: as `get`, but fails at once if the queue is empty.
    pub fn get_nowait(&self) -> Result<T, Empty> {
        self.channel.try_recv().map_err(|_: RecvFail| Empty)
    }

    fn get_until(&self, deadline: Option<&Deadline>) -> Result<T, Empty> {
        // A queue is never closed: the only failure is "still empty".
        self.channel.recv(deadline).map_err(|_: RecvFail| Empty)
    }
    // ANCHOR_END: get

    // ANCHOR: task_done
    /// `q.task_done()`: says that one item taken with `get` has been dealt
    /// with. When no task is left unfinished, every `join` returns.
    ///
    /// Fails, changing nothing, if no task is unfinished: more calls than
    /// items were put (Python's `ValueError`).
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.channel.lock();
        let tasks = &mut state.extra;
        if tasks.unfinished == 0 {
            return Err(TaskDoneError);
        }
        tasks.unfinished -= 1;
        trace::step("task done; unfinished:", tasks.unfinished);
        if tasks.unfinished == 0 {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// `q.join()`: waits until every item ever put has been marked done by
    /// a `task_done`; returns at once if none is unfinished. May be called
    /// again, and by many threads at once.
    pub fn join(&self) {
        let mut state = self.channel.lock();
        self.all_tasks_done
            .wait_for(&mut state, |s| s.extra.unfinished == 0);
    }
    // ANCHOR_END: task_done

    /// `q.qsize()`: how many items are queued now (already out of date when
    /// it returns, if other threads use the queue).
    pub fn qsize(&self) -> usize {
        self.channel.lock().len()
    }

    /// `q.empty()`: whether no item is queued now.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// `q.full()`: whether a bounded queue holds `maxsize` items now
    /// (never, for an unbounded one).
    pub fn full(&self) -> bool {
        self.channel.is_full(&self.channel.lock())
    }

    /// How many tasks have been put but not yet marked done (Python's
    /// `q.unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        self.channel.lock().extra.unfinished
    }

    /// `q.maxsize`: the bound, or `None` for an unbounded queue (Python
    /// says 0).
    pub fn maxsize(&self) -> Option<usize> {
        self.channel.capacity()
    }
}

/// Each put raises the count of unfinished tasks as its item goes in,
/// under the lock: a `join` never sees the item without its task.
fn count_a_task(tasks: &mut Tasks) {
    tasks.unfinished += 1;
}

/// A queue is never closed: a failed put is a full queue, item and all.
fn handed_back<T>(fail: SendFail<T>) -> Full<T> {
    match fail {
        SendFail::Full(item) | SendFail::Closed(item) => Full(item),
    }
}

/// The naive queue: one condition for "something changed".
pub mod naive {
    use std::collections::VecDeque;

    use crate::condition::CondVar;
    use crate::trace;
    use crate::value::Value;

    // ANCHOR: naive
    /// A bounded queue with one condition where `Queue` has two. Producers
    /// wait on it while the queue is full, consumers while it is empty, and
    /// each side wakes *one* waiter, which may be of its own kind: a
    /// consumer's wake-up meant for a producer can go to another consumer,
    /// which finds nothing, and waits again. Nobody is left to wake the
    /// producer.
    #[derive(Debug)]
    pub struct OneConditionQueue<T> {
        items: Value<VecDeque<T>>,
        changed: CondVar,
        maxsize: usize,
    }

    impl<T: Send> OneConditionQueue<T> {
        /// A queue that holds at most `maxsize` items.
        pub fn bounded(maxsize: usize) -> Self {
            OneConditionQueue {
                items: Value::new(VecDeque::new()),
                changed: CondVar::named("changed"),
                maxsize,
            }
        }

        /// Adds `item`, waiting while the queue is full.
        pub fn put(&self, item: T) {
            let mut items = self.items.get_lock();
            self.changed
                .wait_for(&mut items, |items| items.len() < self.maxsize);
            items.push_back(item);
            trace::step("puts; items:", items.len());
            self.changed.notify(1); // wakes one waiter: a consumer, we hope
        }

        /// Takes the oldest item, waiting while the queue is empty.
        pub fn get(&self) -> T {
            let mut items = self.items.get_lock();
            self.changed.wait_for(&mut items, |items| !items.is_empty());
            let item = items.pop_front().expect("the predicate said so");
            trace::step("gets; items:", items.len());
            self.changed.notify(1); // wakes one waiter: a producer, we hope
            item
        }
    }
    // ANCHOR_END: naive

    impl<T> OneConditionQueue<T> {
        /// How many items, for the play scheduler's view of the state.
        #[cfg(any(feature = "loom", feature = "play"))]
        pub(crate) fn peek_len(&self) -> usize {
            self.items.peek_with(VecDeque::len)
        }
    }
}
