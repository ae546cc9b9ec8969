//! The channel core: one queue of items with a closed flag, an optional
//! capacity, and room for its user's own state under the same lock. The
//! [`Queue`](crate::Queue), both directions of a [pipe](crate::pipe) and
//! the [pool](crate::Pool)'s batches of results are built on it;
//! [`oneshot`] is its one-item cousin, for single results.
//!
//! State, all under one lock (the crate's [`Value`]): the items, oldest
//! first (never more than the capacity); `closed`, set once, never cleared;
//! the counts of sleeping receivers, watchers and senders (see [`wait`]);
//! and `extra`, the user's state (the Queue's count of unfinished tasks, a
//! pipe's reason for its end). Transitions:
//!
//! - *send*: open and not full → one more item (waits while full; refused
//!   once closed);
//! - *receive*: an item → one fewer (waits while empty and open; once
//!   closed and empty, "closed", every time);
//! - *close*: open → closed; wakes every sleeper, so none waits for ever;
//! - *push with*: the user's step on `extra`, which may add items too (an
//!   open channel without capacity: the pool's batch of results).
//!
//! Two conditions on the one lock: `readable` (receivers and watchers wait
//! on it for "an item, or closed") and `writable` (senders wait on it for
//! "room, or closed"). Each change wakes only the kind that waits for it.

use std::collections::VecDeque;

use crate::condition::CondVar;
use crate::park::Deadline;
use crate::trace;
use crate::value::{Value, ValueGuard};

pub(crate) mod oneshot;
pub(crate) mod wait;

use wait::{Hint, wait_until};

/// What a channel's steps and conditions are called in the book's step
/// tables ("puts; items: 1", "waits on not_full").
#[derive(Debug)]
pub(crate) struct Names {
    pub(crate) readable: &'static str,
    pub(crate) writable: &'static str,
    pub(crate) sent: &'static str,
    pub(crate) received: &'static str,
    pub(crate) closed: &'static str,
    pub(crate) received_end: &'static str,
}

// ANCHOR: channel
/// A queue of `T`s between threads, with the user's state `X` beside it
/// under the same lock.
#[derive(Debug)]
pub(crate) struct Channel<T, X = ()> {
    state: Value<State<T, X>>,
    /// Receivers and watchers wait on it for an item, or the close.
    readable: CondVar,
    /// Senders wait on it for room, or the close.
    writable: CondVar,
    /// `None`: unbounded, a send never waits.
    capacity: Option<usize>,
    names: &'static Names,
    /// The speed trick: the state's length and closed flag, for spinning
    /// waiters to look at without the lock.
    hint: Hint,
}

#[derive(Debug)]
pub(crate) struct State<T, X> {
    items: VecDeque<T>,
    closed: bool,
    /// Sleeping on `readable` to take an item.
    receivers: usize,
    /// Sleeping on `readable` to look, not take (a pipe's `poll`): a send
    /// wakes all of them, and the receivers with them.
    watchers: usize,
    /// Sleeping on `writable`.
    senders: usize,
    /// The user's own state, changed under the same lock.
    pub(crate) extra: X,
}
// ANCHOR_END: channel

/// The back of a channel's items, lent to [`Channel::push_with`]'s change.
pub(crate) struct Back<'a, T>(&'a mut VecDeque<T>);

impl<T> Back<'_, T> {
    /// Adds `item` after those queued (and those added before it).
    pub(crate) fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
}

/// Why a send did not add its item; the item is handed back.
#[derive(Debug)]
pub(crate) enum SendFail<T> {
    /// Full, at once or until the deadline.
    Full(T),
    /// Closed.
    Closed(T),
}

/// Why a receive has no item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecvFail {
    /// Empty, at once or until the deadline.
    Empty,
    /// Closed, and every item has been received.
    Closed,
}

impl<T, X> State<T, X> {
    /// Items queued now.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether a receive would return at once: an item, or the close.
    pub(crate) fn is_readable(&self) -> bool {
        !self.items.is_empty() || self.closed
    }
}

impl<T: Send, X: Send> Channel<T, X> {
    /// An open, empty channel that holds at most `capacity` items (`None`:
    /// no bound), with `extra` beside them.
    pub(crate) fn new(capacity: Option<usize>, extra: X, names: &'static Names) -> Self {
        Channel {
            state: Value::new(State {
                items: VecDeque::new(),
                closed: false,
                receivers: 0,
                watchers: 0,
                senders: 0,
                extra,
            }),
            readable: CondVar::named(names.readable),
            writable: CondVar::named(names.writable),
            capacity,
            names,
            hint: Hint::default(),
        }
    }

    /// The lock, for the user's own steps on `extra` (and the naive
    /// versions' steps).
    pub(crate) fn lock(&self) -> ValueGuard<'_, State<T, X>> {
        self.state.get_lock()
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Whether the channel holds as many items as it may.
    pub(crate) fn is_full(&self, state: &State<T, X>) -> bool {
        self.capacity.is_some_and(|cap| state.items.len() >= cap)
    }

    fn is_writable(&self, state: &State<T, X>) -> bool {
        state.closed || !self.is_full(state)
    }

    // ANCHOR: send
    /// Adds `item` at the back, waiting while the channel is full, until
    /// `deadline` (`None`: for as long as it takes); runs `on_push` on the
    /// user's state, under the lock, when the item goes in. `Err`, handing
    /// the item back, if the channel is closed, or still full at the
    /// deadline.
    pub(crate) fn send(
        &self,
        item: T,
        deadline: Option<&Deadline>,
        on_push: impl FnOnce(&mut X),
    ) -> Result<(), SendFail<T>> {
        let mut state = self.state.get_lock();
        let writable = |s: &State<T, X>| self.is_writable(s);
        wait_until(
            &mut state,
            &self.writable,
            |s| &mut s.senders,
            writable,
            || self.hint.maybe_writable(self.capacity),
            deadline,
        );
        self.push(&mut state, item, on_push)
    }

    /// As `send`, but never waits.
    pub(crate) fn try_send(
        &self,
        item: T,
        on_push: impl FnOnce(&mut X),
    ) -> Result<(), SendFail<T>> {
        self.push(&mut self.state.get_lock(), item, on_push)
    }

    fn push(
        &self,
        state: &mut State<T, X>,
        item: T,
        on_push: impl FnOnce(&mut X),
    ) -> Result<(), SendFail<T>> {
        if state.closed {
            return Err(SendFail::Closed(item));
        }
        if self.is_full(state) {
            return Err(SendFail::Full(item));
        }
        state.items.push_back(item);
        self.changed(state);
        on_push(&mut state.extra);
        trace::step(self.names.sent, state.items.len());
        self.wake_readable(state, 1);
        Ok(())
    }

    /// After `added` new items: wakes the sleepers on `readable` that they
    /// may serve, if there are any.
    fn wake_readable(&self, state: &State<T, X>, added: usize) {
        if state.watchers > 0 {
            self.readable.notify_all(); // a watcher does not take: wake all
        } else if state.receivers > 0 {
            self.readable.notify(added);
        }
    }
    // ANCHOR_END: send

    /// Runs `change` on the user's state under the lock, lending it `back`
    /// to add items at the back (any number, none included); if it added
    /// some, wakes receivers as `send` does, once for them all. Returns
    /// what `change` returns. So a user keeps in its own state the items
    /// not yet for the receivers (out of order, say) and moves them over
    /// when they are: a receiver wakes only for an item it can take.
    ///
    /// It never waits and is never refused: only for a channel without a
    /// capacity, which is not closed while its user still adds this way.
    pub(crate) fn push_with<R>(&self, change: impl FnOnce(&mut X, &mut Back<'_, T>) -> R) -> R {
        let mut state = self.state.get_lock();
        let state = &mut *state;
        debug_assert!(
            self.capacity.is_none() && !state.closed,
            "push_with: only on an open channel without a capacity"
        );
        let before = state.items.len();
        let result = change(&mut state.extra, &mut Back(&mut state.items));
        let added = state.items.len() - before;
        if added > 0 {
            self.changed(state);
            trace::step(self.names.sent, state.items.len());
            self.wake_readable(state, added);
        }
        result
    }

    // ANCHOR: recv
    /// Takes the oldest item, waiting while there is none and the channel
    /// is open, until `deadline` (`None`: for as long as it takes).
    pub(crate) fn recv(&self, deadline: Option<&Deadline>) -> Result<T, RecvFail> {
        let mut state = self.state.get_lock();
        self.wait_readable(&mut state, deadline);
        self.pop(&mut state)
    }

    /// Waits while there is no item and the channel is open (a receiver's
    /// wait, counted in `receivers`); returns whether it is readable now.
    pub(crate) fn wait_readable(
        &self,
        state: &mut ValueGuard<'_, State<T, X>>,
        deadline: Option<&Deadline>,
    ) -> bool {
        wait_until(
            state,
            &self.readable,
            |s| &mut s.receivers,
            State::is_readable,
            || self.hint.maybe_readable(),
            deadline,
        )
    }

    /// Items first; "closed" only when there are none left.
    pub(crate) fn pop(&self, state: &mut State<T, X>) -> Result<T, RecvFail> {
        let Some(item) = state.items.pop_front() else {
            if !state.closed {
                return Err(RecvFail::Empty);
            }
            trace::step(self.names.received_end, "");
            return Err(RecvFail::Closed);
        };
        self.changed(state);
        trace::step(self.names.received, state.items.len());
        if state.senders > 0 {
            self.writable.notify(1);
        }
        Ok(item)
    }
    // ANCHOR_END: recv

    /// As `recv`, but never waits.
    pub(crate) fn try_recv(&self) -> Result<T, RecvFail> {
        self.pop(&mut self.state.get_lock())
    }

    /// Waits, up to `deadline`, until a receive would return at once (an
    /// item, or the close), without taking anything; returns whether it
    /// would.
    pub(crate) fn watch(&self, deadline: Option<&Deadline>) -> bool {
        let mut state = self.state.get_lock();
        wait_until(
            &mut state,
            &self.readable,
            |s| &mut s.watchers,
            State::is_readable,
            || self.hint.maybe_readable(),
            deadline,
        )
    }

    /// Closes the channel, if it is open: runs `on_close` on the user's
    /// state, under the lock, first. Every sleeper wakes: receivers take
    /// what is left, then see "closed"; senders are refused.
    pub(crate) fn close(&self, on_close: impl FnOnce(&mut X)) {
        let mut state = self.state.get_lock();
        if state.closed {
            return;
        }
        on_close(&mut state.extra);
        state.closed = true;
        self.changed(&state);
        trace::step(self.names.closed, "");
        self.wake_all(&state);
    }

    /// Closes the channel from the receiving side, which is going away:
    /// senders are refused from now on, and the items still queued are
    /// returned, to be dropped outside the lock (an item's own drop may do
    /// anything).
    pub(crate) fn close_and_drain(&self) -> VecDeque<T> {
        let mut state = self.state.get_lock();
        if !state.closed {
            state.closed = true;
            self.wake_all(&state);
        }
        let items = std::mem::take(&mut state.items);
        self.changed(&state);
        items
    }

    /// After a change of the items or the close, under the lock: the hint
    /// for spinning waiters.
    #[inline]
    fn changed(&self, state: &State<T, X>) {
        self.hint.set(state.items.len(), state.closed);
    }

    fn wake_all(&self, state: &State<T, X>) {
        if state.receivers + state.watchers > 0 {
            self.readable.notify_all();
        }
        if state.senders > 0 {
            self.writable.notify_all();
        }
    }
}
