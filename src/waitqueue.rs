//! `WaitQueue`: the parking place every blocking primitive in this crate
//! builds on. A first-in-first-out list of parked threads, guarded by a
//! [`SpinLock`](crate::spin::SpinLock) of its own, plus the two things a
//! blocking primitive needs from it:
//!
//! - [`WaitQueue::wait_until`]: check a condition and, if it does not hold,
//!   join the queue, *both under the queue's lock*, then park; check again
//!   each time the thread is woken. Because the check and the enqueue are
//!   one step as far as a waker is concerned, a wake-up can never slip in
//!   between them and be lost.
//! - [`WaitQueue::wake`]: take up to n waiters off the front and unpark them.
//!
//! A waiter knows it was woken (and not just spuriously unparked) because
//! its ticket is no longer in the queue: only a waker removes tickets of
//! other threads.
//!
//! State machine of one waiter: *queued* (ticket in the queue, parked or
//! about to park) → *woken* (a waker removed the ticket) or *timed out* (the
//! waiter removed its own ticket after its deadline). No other transitions.

use std::collections::VecDeque;

use crate::sync::{Deadline, QueueLock, park_timeout, thread};

#[derive(Debug)]
pub(crate) struct WaitQueue {
    queue: QueueLock<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    next_ticket: u64,
    waiters: VecDeque<(u64, thread::Thread)>,
}

impl WaitQueue {
    pub(crate) fn new() -> Self {
        WaitQueue {
            queue: QueueLock::new(Queue::default()),
        }
    }

    /// Runs `f` on the queue with its lock held. `f` is always short: a
    /// push, a pop, a search; no thread ever parks inside.
    fn locked<R>(&self, f: impl FnOnce(&mut Queue) -> R) -> R {
        self.queue.with(f)
    }

    // ANCHOR: wait_until
    /// Parks the calling thread until `ready()` returns `true` or the
    /// deadline passes; returns whether `ready()` did.
    ///
    /// `ready` runs under the queue's lock: at once, and again each time the
    /// thread is woken. If it returns `false` the thread joins the queue in
    /// the same hold of the lock, so a waker that changes the state and then
    /// looks at the queue cannot miss it.
    pub(crate) fn wait_until(
        &self,
        mut ready: impl FnMut() -> bool,
        deadline: Option<&Deadline>,
    ) -> bool {
        let me = thread::current();
        let mut ticket = None;
        loop {
            let done = self.locked(|q| {
                if ticket.is_some_and(|t| q.contains(t)) {
                    return false; // not woken yet: a spurious unpark
                }
                if ready() {
                    return true;
                }
                ticket = Some(q.push(me.clone()));
                false
            });
            if done {
                return true;
            }
            match deadline.map(Deadline::remaining) {
                None => thread::park(),
                Some(Some(left)) => park_timeout(left),
                Some(None) => {
                    // Out of time. Leave the queue; if a waker took us off it
                    // already, the wake-up is ours: use it for one last try.
                    return self.locked(|q| !ticket.is_some_and(|t| q.remove(t)) && ready());
                }
            }
        }
    }

    // ANCHOR_END: wait_until

    /// Wakes up to `n` waiters, oldest first. Returns how many it woke.
    pub(crate) fn wake(&self, n: usize) -> usize {
        if n == 1 {
            // The common case, without allocating.
            return match self.locked(|q| q.waiters.pop_front()) {
                Some((_, waiter)) => {
                    waiter.unpark();
                    1
                }
                None => 0,
            };
        }
        let woken: Vec<_> = self.locked(|q| {
            let k = n.min(q.waiters.len());
            q.waiters.drain(..k).collect()
        });
        for (_, waiter) in &woken {
            waiter.unpark();
        }
        woken.len()
    }
}

impl Queue {
    fn push(&mut self, waiter: thread::Thread) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.waiters.push_back((ticket, waiter));
        ticket
    }

    fn contains(&self, ticket: u64) -> bool {
        self.waiters.iter().any(|&(t, _)| t == ticket)
    }

    fn remove(&mut self, ticket: u64) -> bool {
        match self.waiters.iter().position(|&(t, _)| t == ticket) {
            Some(i) => {
                self.waiters.remove(i);
                true
            }
            None => false,
        }
    }
}
