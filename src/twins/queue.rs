//! Broken twins of the Queue chapter: a small copy of `queue.Queue` as
//! CPython writes it (one lock around a deque and a count of unfinished
//! tasks, and three conditions on that lock), with one mistake, named by
//! [`Mistake`]. The Queue chapter's third twin is its naive version,
//! [`OneConditionQueue`](crate::queue::naive::OneConditionQueue).

use std::collections::VecDeque;

use crate::condition::CondVar;
use crate::trace;
use crate::value::Value;

/// The one mistake a [`TwinQueue`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// The count of unfinished tasks is raised by `get` where the real
    /// queue raises it in `put`: between a put and its get, `join` sees
    /// nothing unfinished and returns.
    CountsOnGet,
    /// `get` waits with `if` where the real one has `while`: once woken,
    /// it takes without looking again, though another consumer may have
    /// taken the item first.
    GetWithIf,
}

/// A bounded queue with `task_done` and `join`, and one [`Mistake`].
#[derive(Debug)]
pub struct TwinQueue<T> {
    state: Value<State<T>>,
    not_empty: CondVar,
    not_full: CondVar,
    all_tasks_done: CondVar,
    maxsize: usize,
    mistake: Mistake,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    unfinished: usize,
}

impl<T: Send> TwinQueue<T> {
    /// A queue that holds at most `maxsize` items and makes `mistake`.
    pub fn bounded(maxsize: usize, mistake: Mistake) -> Self {
        TwinQueue {
            state: Value::new(State {
                items: VecDeque::new(),
                unfinished: 0,
            }),
            not_empty: CondVar::named("not_empty"),
            not_full: CondVar::named("not_full"),
            all_tasks_done: CondVar::named("all_tasks_done"),
            maxsize,
            mistake,
        }
    }

    /// Adds `item`, waiting while the queue is full.
    pub fn put(&self, item: T) {
        let mut s = self.state.get_lock();
        self.not_full
            .wait_for(&mut s, |s| s.items.len() < self.maxsize);
        s.items.push_back(item);
        if self.mistake != Mistake::CountsOnGet {
            s.unfinished += 1;
        }
        trace::step("puts; items:", s.items.len());
        self.not_empty.notify(1);
    }

    /// Takes the oldest item, waiting while there is none.
    pub fn get(&self) -> T {
        let mut s = self.state.get_lock();
        if self.mistake == Mistake::GetWithIf {
            if s.items.is_empty() {
                self.not_empty.wait(&mut s);
            }
        } else {
            self.not_empty.wait_for(&mut s, |s| !s.items.is_empty());
        }
        let item = s.items.pop_front().expect("woken by a put, so not empty");
        if self.mistake == Mistake::CountsOnGet {
            s.unfinished += 1;
        }
        trace::step("gets; items:", s.items.len());
        self.not_full.notify(1);
        item
    }

    /// One task taken with `get` is done; the last one wakes every `join`.
    pub fn task_done(&self) {
        let mut s = self.state.get_lock();
        s.unfinished -= 1;
        trace::step("task done; unfinished:", s.unfinished);
        if s.unfinished == 0 {
            self.all_tasks_done.notify_all();
        }
    }

    /// Waits until no task is unfinished.
    pub fn join(&self) {
        let mut s = self.state.get_lock();
        self.all_tasks_done.wait_for(&mut s, |s| s.unfinished == 0);
    }
}
