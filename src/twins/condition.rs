//! Broken twins of the Condition chapter: the one-slot hand-off with a
//! mistake in `take` or `put`, and a condition variable whose timed wait
//! forgets to leave the queue.

use std::collections::VecDeque;
use std::time::Duration;

use crate::condition::Condition;
use crate::park::{Deadline, Signal};
use crate::trace;
use crate::value::ValueGuard;

/// `handoff::take` with `if` where it has `while` (its `wait_for`): once
/// woken it takes without looking again, though another taker may have
/// emptied the slot in between.
pub fn take_with_if(slot: &Condition<Option<i32>>) -> i32 {
    let mut s = slot.guard();
    if s.is_none() {
        slot.wait(&mut s); // the mistake: `if`, not `while`
    }
    let item = s.take().expect("woken by a put, so the slot is full");
    trace::step("takes", item);
    slot.notify_all();
    item
}

/// `handoff::put` that notifies first, outside the lock, and fills the
/// slot after, where the real one fills it and then notifies under the
/// lock: a taker woken in between finds the slot empty and waits again.
pub fn put_notifying_first(slot: &Condition<Option<i32>>, item: i32) {
    {
        let mut s = slot.guard();
        slot.wait_for(&mut s, |s| s.is_none());
    }
    slot.notify_all(); // the mistake: before the change, outside the lock
    *slot.guard() = Some(item);
    trace::step("puts", item);
}

/// A small copy of `CondVar` whose timed wait, when the time runs out,
/// leaves its ticket in the queue, where the real one takes it out (in
/// `WaitQueue::park`): a later `notify(1)` is spent on a thread that has
/// gone, and a thread still waiting is not woken.
#[derive(Debug)]
pub struct TicketLeftBehind {
    queue: loom::sync::Mutex<(u64, VecDeque<(u64, Signal)>)>,
}

impl Default for TicketLeftBehind {
    fn default() -> Self {
        TicketLeftBehind::new()
    }
}

impl TicketLeftBehind {
    /// A condition variable with nobody waiting.
    pub fn new() -> Self {
        TicketLeftBehind {
            queue: loom::sync::Mutex::new((0, VecDeque::new())),
        }
    }

    /// As `CondVar::wait`.
    pub fn wait<T>(&self, guard: &mut ValueGuard<'_, T>) {
        self.wait_until(guard, None);
    }

    /// As `CondVar::wait_timeout`.
    pub fn wait_timeout<T>(&self, guard: &mut ValueGuard<'_, T>, timeout: Duration) -> bool {
        self.wait_until(guard, Some(&Deadline::after(timeout)))
    }

    fn wait_until<T>(&self, guard: &mut ValueGuard<'_, T>, deadline: Option<&Deadline>) -> bool {
        let me = Signal::new();
        let ticket = {
            let mut q = self.queue.lock().unwrap();
            let ticket = q.0;
            q.0 += 1;
            q.1.push_back((ticket, me.clone()));
            ticket
        };
        guard.unlocked(|| {
            loop {
                match deadline.map(Deadline::remaining) {
                    None => me.wait(),
                    Some(Some(left)) => me.wait_timeout(left),
                    Some(None) => return false, // the mistake: the ticket stays queued
                }
                let queued = self.queue.lock().unwrap().1.iter().any(|e| e.0 == ticket);
                if !queued {
                    return true;
                }
            }
        })
    }

    /// As `CondVar::notify`: takes up to `n` tickets off the front and
    /// wakes their threads.
    pub fn notify(&self, n: usize) {
        let woken: Vec<_> = {
            let mut q = self.queue.lock().unwrap();
            let k = n.min(q.1.len());
            q.1.drain(..k).collect()
        };
        for (_, signal) in woken {
            signal.wake();
        }
    }
}
