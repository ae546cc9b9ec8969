//! `Pipe`: Python's `multiprocessing.Pipe`, between threads of one process
//! (this module) and between two processes ([`process`]).
//!
//! One direction of a pipe is the crate's channel core (`src/channel/`):
//! the queued messages and a `closed` flag under one lock, and a condition,
//! `readable`, that a receiver waits on. Beside them, under the same lock,
//! the reason the stream ended. States: *open* (a send adds a message; a
//! receive takes the oldest, waiting while there is none) → *closed*, once,
//! for good, by either side: by the sender (dropped, or closed with a
//! reason), after which the receiver gets the messages left and then the
//! end of file; or by the receiver (dropped), after which sends fail and
//! hand their message back, and the messages left are dropped.

use std::sync::Arc;
use std::time::Duration;

use crate::channel::{Channel, Names, RecvFail, SendFail, State};
use crate::error::{RecvError, SendCause, SendError};
use crate::park::Deadline;
use crate::value::ValueGuard;

pub mod process;

// ANCHOR: channel
/// One direction of a pipe: messages from the [`Sender`] to the
/// [`Receiver`], and, beside them, why the stream ended (`Some` once the
/// sender has closed it).
type Stream<T> = Channel<T, Option<RecvError>>;
// ANCHOR_END: channel

static NAMES: Names = Names {
    readable: "readable",
    writable: "writable",
    sent: "sends; queued:",
    received: "receives; queued:",
    closed: "closes",
    received_end: "receives end of file",
};

/// The sending end of a one-way pipe (the second of
/// [`pipe_oneway`]'s pair, as in Python). Dropping it, or
/// [`close`](Sender::close), is the end of file for the receiver.
#[derive(Debug)]
pub struct Sender<T: Send> {
    channel: Arc<Stream<T>>,
}

/// The receiving end of a one-way pipe (the first of [`pipe_oneway`]'s
/// pair, as in Python).
#[derive(Debug)]
pub struct Receiver<T: Send> {
    channel: Arc<Stream<T>>,
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
    let channel = Arc::new(Channel::new(capacity, None, &NAMES));
    (
        Receiver {
            channel: channel.clone(),
        },
        Sender { channel },
    )
}

impl<T: Send> Sender<T> {
    // ANCHOR: send
    /// `conn.send(x)`: queues `x` for the other end; never waits (between
    /// threads a pipe has no bound). `Err`, with `x` inside, if the other
    /// end is gone.
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        self.channel
            .send(item, None, |_| {})
            .map_err(|fail| match fail {
                SendFail::Closed(item) | SendFail::Full(item) => SendError(item, SendCause::Closed),
            })
    }
    // ANCHOR_END: send

    /// `conn.close()`: the end of file for the other end, once it has
    /// received every message sent before. The same as dropping it.
    pub fn close(self) {}

    /// Closes the sending side with another reason than the end of file
    /// (a stream from another process that broke off or did not decode):
    /// the receiver gets every message sent before, then `Err(reason)`.
    pub(crate) fn close_with(self, reason: RecvError) {
        self.channel.close(|why| *why = Some(reason));
    }
}

impl<T: Send> Drop for Sender<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        // Keeps the first reason, if `close_with` gave one.
        self.channel.close(|why| *why = Some(RecvError::Eof));
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
        let mut state = self.channel.lock();
        self.channel.wait_readable(&mut state, deadline);
        match self.channel.pop(&mut state) {
            Ok(message) => Some(Ok(message)), // pending messages first
            Err(RecvFail::Closed) => Some(Err(why_closed(&state))),
            Err(RecvFail::Empty) => None, // the deadline passed
        }
    }
    // ANCHOR_END: recv

    /// `conn.poll(timeout)`: whether `recv` would return at once, with a
    /// message or with the end of file, waiting up to `timeout` for it.
    pub fn poll(&self, timeout: Duration) -> bool {
        self.channel.watch(Some(&Deadline::after(timeout)))
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

    /// Messages that have arrived and wait for `recv`.
    fn pending(&self) -> usize {
        self.channel.lock().len()
    }
}

/// Why a closed stream ended: set by the sender as it closed. (Only the
/// sender's close leaves a receiver to ask.)
fn why_closed<T>(state: &ValueGuard<'_, State<T, Option<RecvError>>>) -> RecvError {
    state
        .extra
        .clone()
        .expect("a receiver sees only the sender's close, which gives a reason")
}

impl<T: Send> Drop for Receiver<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        let dropped = self.channel.close_and_drain();
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
        self.inbox.pending()
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
    use super::{Receiver, RecvError, why_closed};
    use crate::trace;

    // ANCHOR: naive
    /// Waits correctly for "a message or the end of file", but then asks
    /// "closed?" before "empty?". A last message sent just before the
    /// sender closed is still queued when the receiver wakes, and is never
    /// received.
    pub fn recv_closed_first<T: Send>(receiver: &Receiver<T>) -> Result<T, RecvError> {
        let channel = &receiver.channel;
        let mut state = channel.lock();
        channel.wait_readable(&mut state, None);
        if state.is_closed() {
            trace::step("sees closed; messages left:", state.len());
            return Err(why_closed(&state)); // "closed: nothing more to read", it thinks
        }
        Ok(channel.pop(&mut state).expect("readable and not closed"))
    }
    // ANCHOR_END: naive
}
