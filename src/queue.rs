//! `Queue`: Python's `queue.Queue`, built the way CPython builds it: one
//! lock around a double-ended queue, and three conditions on that one lock.
//!
//! Here the lock and the data are the crate's [`Value`] and the conditions
//! are three [`CondVar`]s, the waiting half of the crate's `Condition`:
//!
//! - `not_empty`: `get` waits on it while there is nothing to get; `put`
//!   notifies one waiter.
//! - `not_full`: `put` waits on it while a bounded queue is full; `get`
//!   notifies one waiter.
//! - `all_tasks_done`: `join` waits on it while tasks are unfinished;
//!   `task_done` notifies every waiter when the count reaches zero.
//!
//! State, all under the lock: the items (never more than `maxsize`), and
//! the count of unfinished tasks (raised by each `put`, lowered by each
//! `task_done`, never below zero, so never smaller than the number of items
//! still queued).

use std::collections::VecDeque;
use std::time::Duration;

use crate::condition::CondVar;
use crate::error::{Empty, Full, TaskDoneError};
use crate::park::Deadline;
use crate::trace;
use crate::value::{Value, ValueGuard};

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
    state: Value<State<T>>,
    not_empty: CondVar,
    not_full: CondVar,
    all_tasks_done: CondVar,
    /// `None` for an unbounded queue.
    maxsize: Option<usize>,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    unfinished_tasks: usize,
    /// Threads inside `get` that found the queue empty (waiting, or woken
    /// and not yet back): `put` notifies `not_empty` only if there are any.
    getters: usize,
    /// The same for `put` on a full queue, and `not_full`.
    putters: usize,
}
// ANCHOR_END: struct

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
            state: Value::new(State {
                items: VecDeque::new(),
                unfinished_tasks: 0,
                getters: 0,
                putters: 0,
            }),
            not_empty: CondVar::named("not_empty"),
            not_full: CondVar::named("not_full"),
            all_tasks_done: CondVar::named("all_tasks_done"),
            maxsize,
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
        let mut state = self.state.get_lock();
        if self.is_full(&state) {
            return Err(Full(item));
        }
        self.push(&mut state, item);
        Ok(())
    }

    fn put_until(&self, item: T, deadline: Option<&Deadline>) -> Result<(), Full<T>> {
        let mut state = self.state.get_lock();
        if self.is_full(&state) && !state.spin_until(|s| !self.is_full(s)) {
            state.putters += 1;
            let room = self
                .not_full
                .wait_for_deadline(&mut state, |s| !self.is_full(s), deadline);
            state.putters -= 1;
            if !room {
                return Err(Full(item));
            }
        }
        self.push(&mut state, item);
        Ok(())
    }

    fn push(&self, state: &mut ValueGuard<'_, State<T>>, item: T) {
        state.items.push_back(item);
        state.unfinished_tasks += 1;
        trace::step("puts; items:", state.items.len());
        if state.getters > 0 {
            self.not_empty.notify(1);
        }
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
        let mut state = self.state.get_lock();
        self.pop(&mut state).ok_or(Empty)
    }

    fn get_until(&self, deadline: Option<&Deadline>) -> Result<T, Empty> {
        let mut state = self.state.get_lock();
        if state.items.is_empty() && !state.spin_until(|s| !s.items.is_empty()) {
            state.getters += 1;
            self.not_empty
                .wait_for_deadline(&mut state, |s| !s.items.is_empty(), deadline);
            state.getters -= 1;
        }
        self.pop(&mut state).ok_or(Empty)
    }

    fn pop(&self, state: &mut ValueGuard<'_, State<T>>) -> Option<T> {
        let item = state.items.pop_front()?;
        trace::step("gets; items:", state.items.len());
        if state.putters > 0 {
            self.not_full.notify(1);
        }
        Some(item)
    }
    // ANCHOR_END: get

    // ANCHOR: task_done
    /// `q.task_done()`: says that one item taken with `get` has been dealt
    /// with. When no task is left unfinished, every `join` returns.
    ///
    /// Fails, changing nothing, if no task is unfinished: more calls than
    /// items were put (Python's `ValueError`).
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.state.get_lock();
        if state.unfinished_tasks == 0 {
            return Err(TaskDoneError);
        }
        state.unfinished_tasks -= 1;
        trace::step("task done; unfinished:", state.unfinished_tasks);
        if state.unfinished_tasks == 0 {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// `q.join()`: waits until every item ever put has been marked done by
    /// a `task_done`; returns at once if none is unfinished. May be called
    /// again, and by many threads at once.
    pub fn join(&self) {
        let mut state = self.state.get_lock();
        self.all_tasks_done
            .wait_for(&mut state, |s| s.unfinished_tasks == 0);
    }
    // ANCHOR_END: task_done

    /// `q.qsize()`: how many items are queued now (already out of date when
    /// it returns, if other threads use the queue).
    pub fn qsize(&self) -> usize {
        self.state.get_lock().items.len()
    }

    /// `q.empty()`: whether no item is queued now.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// `q.full()`: whether a bounded queue holds `maxsize` items now
    /// (never, for an unbounded one).
    pub fn full(&self) -> bool {
        self.is_full(&self.state.get_lock())
    }

    /// How many tasks have been put but not yet marked done (Python's
    /// `q.unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        self.state.get_lock().unfinished_tasks
    }
}

impl<T> Queue<T> {
    /// `q.maxsize`: the bound, or `None` for an unbounded queue (Python
    /// says 0).
    pub fn maxsize(&self) -> Option<usize> {
        self.maxsize
    }

    fn is_full(&self, state: &State<T>) -> bool {
        self.maxsize.is_some_and(|max| state.items.len() >= max)
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
}
