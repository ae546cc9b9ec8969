//! The crate's errors: what Python raises, as values.
//!
//! Each is a small type implementing [`std::error::Error`], with a message
//! that says what went wrong in the words a Python programmer already knows.

use std::fmt;

/// A release that Python would refuse with `RuntimeError` (or `ValueError`).
///
/// ```
/// use syncbook::{Lock, ReleaseError};
///
/// let lock = Lock::new();
/// let err = lock.release().unwrap_err();
/// assert_eq!(err, ReleaseError::Unlocked);
/// assert_eq!(err.to_string(), "release of an unlocked lock");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The lock was not held by anyone.
    Unlocked,
    /// An [`RLock`](crate::RLock) released by a thread that does not own it.
    NotOwner,
    /// A [`BoundedSemaphore`](crate::BoundedSemaphore) released past its
    /// initial value (Python's `ValueError`).
    TooManyReleases,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseError::Unlocked => f.write_str("release of an unlocked lock"),
            ReleaseError::NotOwner => {
                f.write_str("release of an RLock that the calling thread does not own")
            }
            ReleaseError::TooManyReleases => f.write_str(
                "semaphore released too many times: its value would pass its initial value",
            ),
        }
    }
}

impl std::error::Error for ReleaseError {}

/// An index past the end of an [`Array`](crate::Array), Python's `IndexError`.
///
/// ```
/// use syncbook::Array;
///
/// let a = Array::new(vec![1, 2, 3]);
/// let err = a.get(3).unwrap_err();
/// assert_eq!(err.to_string(), "array index 3 out of range for an array of length 3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexError {
    /// The index that was asked for.
    pub index: usize,
    /// The array's length.
    pub len: usize,
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "array index {} out of range for an array of length {}",
            self.index, self.len
        )
    }
}

impl std::error::Error for IndexError {}

/// A [`Barrier`](crate::Barrier) that is broken: a waiting thread timed out,
/// or it was aborted, or reset while threads were waiting (Python's
/// `threading.BrokenBarrierError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier is broken: a thread timed out, or it was aborted or reset")
    }
}

impl std::error::Error for BrokenBarrierError {}

/// A put that could not be made because the [`Queue`](crate::Queue) was
/// full (Python's `queue.Full`). The item is handed back: `err.0`, or
/// [`into_inner`](Full::into_inner).
///
/// ```
/// use syncbook::Queue;
///
/// let q = Queue::bounded(1);
/// q.put("first");
/// let err = q.put_nowait("second").unwrap_err();
/// assert_eq!(err.to_string(), "put on a full queue; the item is handed back");
/// assert_eq!(err.into_inner(), "second");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Full<T>(pub T);

impl<T> Full<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        self.0
    }
}

// Not derived: a `Full<T>` can be unwrapped whatever `T` is (as std's
// `SendError<T>`), and the item is not printed.
impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("put on a full queue; the item is handed back")
    }
}

impl<T> std::error::Error for Full<T> {}

/// A get that found the [`Queue`](crate::Queue) empty, at once or until its
/// timeout (Python's `queue.Empty`).
///
/// ```
/// use syncbook::Queue;
///
/// let q = Queue::<i32>::new();
/// assert_eq!(q.get_nowait().unwrap_err().to_string(), "get from an empty queue");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Empty;

impl fmt::Display for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("get from an empty queue")
    }
}

impl std::error::Error for Empty {}

/// `task_done` called more times than items were put (Python's
/// `ValueError: task_done() called too many times`).
///
/// ```
/// use syncbook::Queue;
///
/// let q = Queue::new();
/// q.put(1);
/// assert!(q.task_done().is_ok());
/// let err = q.task_done().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "task_done() called more times than items were put: no task is unfinished"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called more times than items were put: no task is unfinished")
    }
}

impl std::error::Error for TaskDoneError {}

/// A send whose message could not be delivered: the other end of the pipe
/// is gone (Python's `BrokenPipeError`), or, between processes, the
/// message could not be written as a frame. The message is handed back:
/// `err.0`, or [`into_inner`](SendError::into_inner); why it was refused
/// is [`cause`](SendError::cause).
///
/// ```
/// use syncbook::{SendCause, pipe_oneway};
///
/// let (reader, writer) = pipe_oneway();
/// drop(reader);
/// let err = writer.send(7).unwrap_err();
/// assert_eq!(err.cause(), &SendCause::Closed);
/// assert_eq!(err.to_string(), "send on a pipe whose other end is closed; the message is handed back");
/// assert_eq!(err.into_inner(), 7);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SendError<T>(pub T, pub(crate) SendCause);

/// Why a [`SendError`] refused its message.
///
/// ```
/// use syncbook::SendCause;
///
/// let cause = SendCause::TooLarge { len: 70_000_000, max: syncbook::pipe::process::MAX_FRAME_LEN };
/// assert_eq!(
///     cause.to_string(),
///     "the message encodes to 70000000 bytes, more than a frame may hold (67108864)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SendCause {
    /// The other end is gone: closed, dropped, or (between processes) its
    /// process closed the pipe or exited.
    Closed,
    /// Between processes: the message encodes to `len` bytes, more than a
    /// frame may hold (`max`, the pipe's
    /// [`MAX_FRAME_LEN`](crate::pipe::process::MAX_FRAME_LEN)). Nothing was
    /// written; the connection still works.
    TooLarge {
        /// The bytes the message encodes to.
        len: usize,
        /// The most a frame may hold.
        max: usize,
    },
    /// Between processes: the message's `Serialize` failed, with this
    /// error. Nothing was written; the connection still works.
    Encode(String),
}

impl<T> SendError<T> {
    /// The message that was not sent.
    pub fn into_inner(self) -> T {
        self.0
    }

    /// Why it was not sent.
    pub fn cause(&self) -> &SendCause {
        &self.1
    }
}

// Not derived: unwrappable whatever `T` is, as std's `SendError<T>`, and the
// message is not printed.
impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SendError")
            .field(&format_args!(".."))
            .field(&self.1)
            .finish()
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.1 {
            SendCause::Closed => f.write_str("send on a pipe whose other end is closed"),
            SendCause::TooLarge { len, max } => write!(
                f,
                "send of a message too large for a frame: it encodes to {len} bytes, \
                 more than a frame may hold ({max})"
            ),
            SendCause::Encode(why) => {
                write!(f, "send of a message that does not encode: {why}")
            }
        }?;
        f.write_str("; the message is handed back")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl fmt::Display for SendCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendCause::Closed => f.write_str("the other end of the pipe is closed"),
            SendCause::TooLarge { len, max } => write!(
                f,
                "the message encodes to {len} bytes, more than a frame may hold ({max})"
            ),
            SendCause::Encode(why) => write!(f, "the message does not encode: {why}"),
        }
    }
}

/// Why `recv` has no message to return: the end of file (Python's
/// `EOFError`), or, between processes, a stream that broke off or does
/// not decode.
///
/// ```
/// use syncbook::{pipe, RecvError};
///
/// let (a, b) = pipe::<i32>();
/// drop(b);
/// let err = a.recv().unwrap_err();
/// assert_eq!(err, RecvError::Eof);
/// assert_eq!(
///     err.to_string(),
///     "end of file: the other end of the pipe is closed and every message it sent has been received"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecvError {
    /// The other end is gone and every message it sent has been received.
    Eof,
    /// The byte stream from another process ended inside a message: it
    /// exited or closed while sending.
    Truncated {
        /// Bytes the frame needed.
        expected: usize,
        /// Bytes that came before the stream ended.
        got: usize,
    },
    /// A frame from another process that is not a valid message.
    Corrupt(String),
    /// Reading from another process failed.
    Io(String),
}

impl RecvError {
    /// Whether this is the ordinary end of file.
    pub fn is_eof(&self) -> bool {
        *self == RecvError::Eof
    }
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Eof => f.write_str(
                "end of file: the other end of the pipe is closed and every message it sent has been received",
            ),
            RecvError::Truncated { expected, got } => write!(
                f,
                "the other process's stream ended inside a message: {got} of {expected} bytes came"
            ),
            RecvError::Corrupt(why) => write!(f, "a corrupt message from the other process: {why}"),
            RecvError::Io(why) => write!(f, "reading from the other process failed: {why}"),
        }
    }
}

impl std::error::Error for RecvError {}

/// A panic's message, as Python would print the exception: the `&str` or
/// `String` given to `panic!` (a pool's `TaskError::Panicked`, a manager's
/// `ManagerGone`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}
