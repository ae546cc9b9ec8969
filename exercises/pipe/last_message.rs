/*
// ANCHOR: statement
**Deliver the last message.** `Channel` is a one-way pipe between
threads: `send` queues a message, `close` says no more will come, and
`recv` returns the next message, or `None` (end of file) once the channel
is closed *and* every message has been received. As written, `recv`
waits correctly for "a message or the end", but then asks "closed?"
before "anything left?": a message sent just before `close` is still
queued when the receiver wakes, and is never received. Fix `recv` so
that:

- every message sent is received, in order, before the end of file;
- after the end of file, `recv` keeps returning `None` at once;
- `recv` never hangs on a closed channel.
// ANCHOR_END: statement
*/
use std::collections::VecDeque;

use super::kit::{CondVar, Value, trace};

/// What the channel's lock protects.
#[derive(Debug)]
struct State<T> {
    messages: VecDeque<T>,
    closed: bool,
}

/// A one-way channel between threads.
#[derive(Debug)]
pub struct Channel<T> {
    state: Value<State<T>>,
    readable: CondVar,
}

impl<T: Send> Channel<T> {
    /// An open, empty channel.
    pub fn new() -> Self {
        Channel {
            state: Value::new(State {
                messages: VecDeque::new(),
                closed: false,
            }),
            readable: CondVar::named("readable"),
        }
    }

    /// Queues `message` for the receiver.
    pub fn send(&self, message: T) {
        let mut state = self.state.get_lock();
        state.messages.push_back(message);
        trace::step("sends; queued:", state.messages.len());
        self.readable.notify(1);
    }

    /// Says that no more messages will come.
    pub fn close(&self) {
        self.state.get_lock().closed = true;
        trace::step("closes", "");
        self.readable.notify_all();
    }

    /// The next message, or `None` once the channel is closed and empty.
    pub fn recv(&self) -> Option<T> {
        let mut state = self.state.get_lock();
        self.readable
            .wait_for(&mut state, |s| !s.messages.is_empty() || s.closed);
        // TODO: "closed" does not mean "nothing left to read".
        if state.closed {
            trace::step("sees closed; messages left:", state.messages.len());
            return None;
        }
        let message = state.messages.pop_front();
        trace::step("receives; queued:", state.messages.len());
        message
    }
}
