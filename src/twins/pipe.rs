//! Broken twins of the Pipe chapter: a small copy of one direction of a
//! pipe (the channel core: messages and a `closed` flag under one lock, a
//! condition for each side), with one mistake, named by [`Mistake`]. And
//! the real bounded pipe, which only the crate's process pipes use, so that
//! a model can make a sender wait.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::condition::CondVar;
use crate::pipe::{Receiver, Sender};
use crate::trace;
use crate::value::Value;

/// The real one-way pipe, holding at most `capacity` messages: a send
/// waits while it is full.
pub fn real_bounded<T: Send>(capacity: usize) -> (Receiver<T>, Sender<T>) {
    crate::pipe::pipe_bounded(capacity)
}

/// The one mistake a twin pipe makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// `recv` looks at the closed flag before it looks for a message (the
    /// real one takes messages first): a message sent just before the
    /// close is lost.
    ClosedBeforeEmpty,
    /// Dropping the receiver closes the pipe but wakes no waiting sender
    /// (the real one wakes them all): a sender waiting for room sleeps for
    /// ever.
    DropWakesNoSender,
}

#[derive(Debug)]
struct Stream<T> {
    state: Value<(VecDeque<T>, bool)>,
    readable: CondVar,
    writable: CondVar,
    capacity: usize,
    mistake: Mistake,
}

/// The sending end of a twin pipe; dropping it closes the pipe.
#[derive(Debug)]
pub struct TwinSender<T: Send>(Arc<Stream<T>>);

/// The receiving end of a twin pipe; dropping it closes the pipe.
#[derive(Debug)]
pub struct TwinReceiver<T: Send>(Arc<Stream<T>>);

/// A one-way twin pipe that holds at most `capacity` messages and makes
/// `mistake`.
pub fn twin_bounded<T: Send>(
    capacity: usize,
    mistake: Mistake,
) -> (TwinReceiver<T>, TwinSender<T>) {
    let stream = Arc::new(Stream {
        state: Value::new((VecDeque::new(), false)),
        readable: CondVar::named("readable"),
        writable: CondVar::named("writable"),
        capacity,
        mistake,
    });
    (TwinReceiver(stream.clone()), TwinSender(stream))
}

impl<T: Send> TwinSender<T> {
    /// Sends `item`, waiting while the pipe is full; `Err(item)` if closed.
    pub fn send(&self, item: T) -> Result<(), T> {
        let s = &self.0;
        let mut state = s.state.get_lock();
        s.writable.wait_for(&mut state, |(items, closed)| {
            *closed || items.len() < s.capacity
        });
        if state.1 {
            return Err(item);
        }
        state.0.push_back(item);
        trace::step("sends; queued:", state.0.len());
        s.readable.notify_all();
        Ok(())
    }
}

impl<T: Send> TwinReceiver<T> {
    /// The oldest message, or `None` at the end of file.
    pub fn recv(&self) -> Option<T> {
        let s = &self.0;
        let mut state = s.state.get_lock();
        s.readable
            .wait_for(&mut state, |(items, closed)| *closed || !items.is_empty());
        if s.mistake == Mistake::ClosedBeforeEmpty && state.1 {
            trace::step("sees closed; messages left:", state.0.len());
            return None;
        }
        let item = state.0.pop_front();
        s.writable.notify_all();
        item
    }
}

impl<T: Send> Drop for TwinSender<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        let s = &self.0;
        s.state.get_lock().1 = true;
        trace::step("closes", "");
        s.readable.notify_all();
        s.writable.notify_all();
    }
}

impl<T: Send> Drop for TwinReceiver<T> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        let s = &self.0;
        s.state.get_lock().1 = true;
        trace::step("receiver closes", "");
        s.readable.notify_all();
        if s.mistake != Mistake::DropWakesNoSender {
            s.writable.notify_all();
        }
    }
}
