// The reference solution of `pipe_last_message`.
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
        // Pending messages first: the end of file comes only after them.
        match state.messages.pop_front() {
            Some(message) => {
                trace::step("receives; queued:", state.messages.len());
                Some(message)
            }
            None => {
                trace::step("receives end of file", "");
                None
            }
        }
    }
}
