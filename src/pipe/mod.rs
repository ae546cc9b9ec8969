//! `Pipe`: Python's `multiprocessing.Pipe`, between threads of one process
//! (this module) and between two processes ([`process`]).
//!
//! One direction of a pipe is a `Channel`: the crate's [`Value`] around
//! the queued messages and two flags, and one [`CondVar`] that a receiver
//! waits on. State, all under the lock: the messages, oldest first; whether
//! the sending side is gone (and why: `closed`, set once, never cleared);
//! whether the receiving side is gone. Transitions: a send adds a message
//! (refused once the receiver is gone); a receive takes the oldest; the
//! sender's close sets `closed`; the receiver's close empties the queue.
//! Any change a receiver could be waiting for notifies every waiter.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crate::condition::CondVar;
use crate::error::{RecvError, SendCause, SendError};
use crate::sync::Deadline;
use crate::trace;
use crate::value::{Value, ValueGuard};

pub mod process;

// ANCHOR: channel
/// One direction of a pipe: messages from the [`Sender`] to the
/// [`Receiver`].
#[derive(Debug)]
struct Channel<T: Send> {
    state: Value<State<T>>,
    /// A receiver waits on it while there is no message and no end of file.
    readable: CondVar,
    /// A sender waits on it while a bounded channel is full.
    writable: CondVar,
    /// `None`: unbounded, `send` never waits.
    capacity: Option<usize>,
}

#[derive(Debug)]
struct State<T> {
    messages: VecDeque<T>,
    /// `Some` once the sending side is gone: why the stream ended.
    closed: Option<RecvError>,
    receiver_gone: bool,
    /// Senders waiting on `writable`: a receive notifies only if any.
    senders_waiting: usize,
}
// ANCHOR_END: channel

impl<T: Send> Channel<T> {
    fn new(capacity: Option<usize>) -> Self {
        Channel {
            state: Value::new(State {
                messages: VecDeque::new(),
                closed: None,
                receiver_gone: false,
                senders_waiting: 0,
            }),
            readable: CondVar::named("readable"),
            writable: CondVar::named("writable"),
            capacity,
        }
    }

    /// Whether a send must wait: bounded, full, and someone to receive.
    fn must_wait(&self, state: &State<T>) -> bool {
        !state.receiver_gone && self.capacity.is_some_and(|cap| state.messages.len() >= cap)
    }

    /// Ends the stream, once: later calls keep the first reason.
    fn close_sending(&self, reason: RecvError) {
        let mut state = self.state.get_lock();
        if state.closed.is_none() {
            state.closed = Some(reason);
            trace::step("closes", "");
            self.readable.notify_all();
        }
    }
}

/// The sending end of a one-way pipe (the second of
/// [`pipe_oneway`]'s pair, as in Python). Dropping it, or
/// [`close`](Sender::close), is the end of file for the receiver.
#[derive(Debug)]
pub struct Sender<T: Send> {
    channel: Arc<Channel<T>>,
}

/// The receiving end of a one-way pipe (the first of [`pipe_oneway`]'s
/// pair, as in Python).
#[derive(Debug)]
pub struct Receiver<T: Send> {
    channel: Arc<Channel<T>>,
}

/// `multiprocessing.Pipe(duplex=False)`: a one-way pipe, `(reader,
/// writer)` in Python's order.
///
/// ```
/// use std::thread;
/// use syncbook::pipe_oneway;
///
/// let (reader, writer) = pipe_oneway();
/// thread::spawn(move || {
///     writer.send("hello").unwrap();
///     writer.send("world").unwrap();
/// }); // the writer is dropped here: end of file
/// assert_eq!(reader.recv(), Ok("hello"));
/// assert_eq!(reader.recv(), Ok("world"));
/// assert!(reader.recv().unwrap_err().is_eof()); // no hang
/// ```
pub fn pipe_oneway<T: Send>() -> (Receiver<T>, Sender<T>) {
    pipe_with_capacity(None)
}

/// A one-way pipe whose `send` waits while `capacity` messages are queued.
pub(crate) fn pipe_bounded<T: Send>(capacity: usize) -> (Receiver<T>, Sender<T>) {
    pipe_with_capacity(Some(capacity))
}

fn pipe_with_capacity<T: Send>(capacity: Option<usize>) -> (Receiver<T>, Sender<T>) {
    let channel = Arc::new(Channel::new(capacity));
    (
        Receiver {
            channel: channel.clone(),
        },
        Sender { channel },
    )
}

impl<T: Send> Sender<T> {
    // ANCHOR: send
    /// `conn.send(x)`: queues `x` for the other end; never waits. `Err`,
    /// with `x` inside, if the other end is gone.
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        let channel = &self.channel;
        let mut state = channel.state.get_lock();
        if channel.must_wait(&state) && !state.spin_until(|s| !channel.must_wait(s)) {
            state.senders_waiting += 1;
            channel
                .writable
                .wait_for(&mut state, |s| !channel.must_wait(s));
            state.senders_waiting -= 1;
        }
        if state.receiver_gone {
            return Err(SendError(item, SendCause::Closed));
        }
        state.messages.push_back(item);
        trace::step("sends; queued:", state.messages.len());
        self.channel.readable.notify_all();
        Ok(())
    }
    // ANCHOR_END: send

    /// `conn.close()`: the end of file for the other end, once it has
    /// received every message sent before. The same as dropping it.
    pub fn close(self) {}

    /// Closes the sending side with another reason than the end of file
    /// (a stream from another process that broke off or did not decode):
    /// the receiver gets every message sent before, then `Err(reason)`.
    pub(crate) fn close_with(self, reason: RecvError) {
        self.channel.close_sending(reason);
    }
}

impl<T: Send> Drop for Sender<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.channel.close_sending(RecvError::Eof);
    }
}

impl<T: Send> Receiver<T> {
    // ANCHOR: recv
    /// `conn.recv()`: the oldest message, waiting while there is none.
    /// Once the other end is gone and every message it sent has been
    /// received, `Err` (end of file) at once, every time: never a hang.
    pub fn recv(&self) -> Result<T, RecvError> {
        self.recv_until(None)
            .expect("without a deadline, recv waits until it has an answer")
    }

    fn recv_until(&self, deadline: Option<&Deadline>) -> Option<Result<T, RecvError>> {
        let mut state = self.channel.state.get_lock();
        if !state.ready() && !state.spin_until(State::ready) {
            self.channel
                .readable
                .wait_for_deadline(&mut state, |s| s.ready(), deadline);
        }
        self.take(&mut state)
    }

    /// Pending messages first; the end of file only when there are none.
    fn take(&self, state: &mut ValueGuard<'_, State<T>>) -> Option<Result<T, RecvError>> {
        if let Some(message) = state.messages.pop_front() {
            trace::step("receives; queued:", state.messages.len());
            if state.senders_waiting > 0 {
                self.channel.writable.notify(1);
            }
            return Some(Ok(message));
        }
        let reason = state.closed.clone()?;
        trace::step("receives end of file", "");
        Some(Err(reason))
    }
    // ANCHOR_END: recv

    /// `conn.poll(timeout)`: whether `recv` would return at once, with a
    /// message or with the end of file, waiting up to `timeout` for it.
    pub fn poll(&self, timeout: Duration) -> bool {
        let mut state = self.channel.state.get_lock();
        self.channel.readable.wait_for_deadline(
            &mut state,
            |s| s.ready(),
            Some(&Deadline::after(timeout)),
        )
    }

    /// As `recv`, but gives up after `timeout` (`None`). Not in Python's
    /// `Connection`, where one calls `poll(t)` and then `recv()`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Result<T, RecvError>> {
        self.recv_until(Some(&Deadline::after(timeout)))
    }

    /// `conn.close()`: later sends from the other end fail, handing their
    /// message back; messages still queued are dropped. The same as
    /// dropping it.
    pub fn close(self) {}
}

impl<T> State<T> {
    fn ready(&self) -> bool {
        !self.messages.is_empty() || self.closed.is_some()
    }
}

impl<T: Send> Drop for Receiver<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        let dropped = {
            let mut state = self.channel.state.get_lock();
            state.receiver_gone = true;
            if state.senders_waiting > 0 {
                self.channel.writable.notify_all(); // their sends now fail
            }
            std::mem::take(&mut state.messages)
        };
        drop(dropped); // outside the lock: a message's own drop may do anything
    }
}

/// One end of a duplex pipe, `multiprocessing.Pipe()`: it can send to and
/// receive from the other end.
///
/// ```
/// use std::thread;
/// use syncbook::pipe;
///
/// let (parent, child) = pipe();
/// let worker = thread::spawn(move || {
///     let n: i32 = child.recv().unwrap();
///     child.send(n * 2).unwrap();
/// });
/// parent.send(21).unwrap();
/// assert_eq!(parent.recv(), Ok(42));
/// worker.join().unwrap();
/// assert!(parent.recv().unwrap_err().is_eof(), "the child's end is gone");
/// assert_eq!(parent.send(1).unwrap_err().into_inner(), 1, "handed back");
/// ```
#[derive(Debug)]
pub struct Connection<T: Send> {
    inbox: Receiver<T>,
    outbox: Outbox<T>,
}

/// Where a connection's sends go: a channel in this process, or a stream of
/// frames to another process.
#[derive(Debug)]
enum Outbox<T: Send> {
    Local(Sender<T>),
    Remote(process::FrameWriter<T>),
}

/// `multiprocessing.Pipe()`: two connected ends, each able to send and
/// receive.
pub fn pipe<T: Send>() -> (Connection<T>, Connection<T>) {
    let (a_inbox, b_outbox) = pipe_oneway();
    let (b_inbox, a_outbox) = pipe_oneway();
    (
        Connection {
            inbox: a_inbox,
            outbox: Outbox::Local(a_outbox),
        },
        Connection {
            inbox: b_inbox,
            outbox: Outbox::Local(b_outbox),
        },
    )
}

impl<T: Send> Connection<T> {
    /// `conn.send(x)`: `Err`, with `x` inside, if the other end is gone.
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        match &self.outbox {
            Outbox::Local(sender) => sender.send(item),
            Outbox::Remote(writer) => writer.send(item),
        }
    }

    /// `conn.recv()`: pending messages first, then `Err` (end of file) once
    /// the other end is gone; never hangs on a closed pipe.
    pub fn recv(&self) -> Result<T, RecvError> {
        self.inbox.recv()
    }

    /// `conn.poll(timeout)`: `true` when a message or the end of file is
    /// ready, waiting up to `timeout`.
    pub fn poll(&self, timeout: Duration) -> bool {
        self.inbox.poll(timeout)
    }

    /// As `recv`, giving up after `timeout` (`None`).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Result<T, RecvError>> {
        self.inbox.recv_timeout(timeout)
    }

    /// `conn.close()`: the same as dropping it.
    pub fn close(self) {}

    /// How many messages have arrived and wait for `recv` (for tests).
    #[doc(hidden)]
    pub fn pending(&self) -> usize {
        self.inbox.channel.state.get_lock().messages.len()
    }

    /// A connection to another process: it receives from `inbox` (fed by
    /// a thread reading the other process's frames) and sends through
    /// `writer`.
    pub(crate) fn remote(inbox: Receiver<T>, writer: process::FrameWriter<T>) -> Self {
        Connection {
            inbox,
            outbox: Outbox::Remote(writer),
        }
    }
}

/// The naive receive: looks at "closed" before "empty".
pub mod naive {
    use super::{Receiver, RecvError};
    use crate::trace;

    // ANCHOR: naive
    /// Waits correctly for "a message or the end of file", but then asks
    /// "closed?" before "empty?". A last message sent just before the
    /// sender closed is still queued when the receiver wakes, and is never
    /// received.
    pub fn recv_closed_first<T: Send>(receiver: &Receiver<T>) -> Result<T, RecvError> {
        let channel = &receiver.channel;
        let mut state = channel.state.get_lock();
        channel.readable.wait_for(&mut state, |s| s.ready());
        if let Some(reason) = state.closed.clone() {
            trace::step("sees closed; messages left:", state.messages.len());
            return Err(reason); // "closed: nothing more to read", it thinks
        }
        let message = state.messages.pop_front().expect("ready and not closed");
        trace::step("receives; queued:", state.messages.len());
        Ok(message)
    }
    // ANCHOR_END: naive
}
