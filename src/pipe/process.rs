//! A [`Connection`] between two processes: Python's
//! `multiprocessing.Pipe()` shared with a child process.
//!
//! Two processes share no memory, so a message crosses as bytes: it is
//! encoded with [serde] and [postcard] and written to an OS pipe (the
//! child's standard input, say) as one *frame*:
//!
//! ```text
//! +----------------------------+-------------------------------+
//! | length: u32, little-endian | payload: `length` bytes       |
//! | 4 bytes                    | the message, postcard-encoded |
//! +----------------------------+-------------------------------+
//! ```
//!
//! The length comes first because a pipe is a stream of bytes, not of
//! messages: without it the reader could not tell where one message ends
//! and the next begins. A length above [`MAX_FRAME_LEN`] is refused as
//! [`RecvError::Corrupt`] before anything is allocated for it: four stray
//! bytes (a `println!` in the child, say) must not make the reader ask for
//! gigabytes. [`write_frame`] and [`read_frame`] are the format, on any
//! `Write` and `Read`.
//!
//! [`connect`] turns a byte stream each way into a [`Connection`], with
//! the same `send`, `recv`, `poll` and `recv_timeout` as between threads:
//!
//! - **Sending** encodes the message, writes its frame and flushes, under
//!   the crate's own lock (a [`Value`]), so that two threads sending at once
//!   cannot mix their bytes. If the write fails, the other process has
//!   closed its end or exited (Rust ignores `SIGPIPE`, so this is the
//!   "broken pipe" error, Python's `BrokenPipeError`): `send` hands the
//!   message back in [`SendError`], and so does every later send
//!   ([`SendCause::Closed`]). A message that does not encode, or encodes to
//!   more than [`MAX_FRAME_LEN`] bytes, is handed back too, saying so
//!   ([`SendCause::Encode`], [`SendCause::TooLarge`]); nothing is written,
//!   and the connection still works.
//! - **Receiving** is done by a thread of its own, `syncbook-pipe-reader`,
//!   that reads frame after frame and sends each message down an in-process
//!   pipe whose receiving end the `Connection` holds. The thread
//!   turns the byte stream into the crate's channel, so everything the
//!   channel promises holds here too: `recv` gives every message that
//!   arrived, in order, and only then the end of the stream, once and for
//!   all; `poll` and `recv_timeout` wait on the channel, never on the OS.
//!   How the stream ended becomes the channel's end: a clean end of file at
//!   a frame boundary is [`RecvError::Eof`]; a stream cut inside a frame is
//!   [`RecvError::Truncated`]; a frame that does not decode is
//!   [`RecvError::Corrupt`] (the thread stops there: after a bad frame,
//!   nothing later can be trusted); a failed read is [`RecvError::Io`].
//! - **Reading ahead is bounded**: the in-process pipe holds at most
//!   [`READ_AHEAD`] messages. When it is full, the thread waits for `recv`
//!   to take one before it reads the next frame; meanwhile the OS pipe
//!   fills, and the other process's writes wait, as a Python writer waits
//!   on a full pipe. Without the bound, a fast writer and a slow receiver
//!   would grow this process's memory without limit. The bound counts
//!   messages, not bytes: the channel counts items, and what a decoded
//!   message takes in memory is not its frame's size (a `Vec<String>`
//!   takes more). Each message is at most [`MAX_FRAME_LEN`] bytes on the
//!   wire, so the thread holds at most `READ_AHEAD` frames' worth, plus
//!   what the OS pipe and the thread's 8 KiB read buffer hold.
//!
//! States of the writing side: *open*, then *broken* after the first failed
//! write (the stream is dropped: a half-written frame is never followed by
//! another); never open again. The reader thread: *reading*, or *waiting*
//! while [`READ_AHEAD`] messages are buffered, until the stream ends or
//! fails (it closes the channel with the reason), or until the `Connection`
//! is gone (its next message has nowhere to go, and a waiting send is woken
//! to fail): then it ends, and drops its reading half.
//!
//! [`spawn_child`] and [`connect_to_parent`] connect a parent and a child
//! over the child's standard input and output.
//!
//! (The model-checking build of this source has neither serde nor OS
//! threads to offer, so there the public functions are left out; what stays
//! is the serde-free machinery, compiled and type-checked but never run.)

use std::fmt;
use std::io::{self, BufReader, ErrorKind, Read, Write};
#[cfg(not(feature = "loom"))]
use std::process::{Child, Command, Stdio};

#[cfg(not(feature = "loom"))]
use serde::{Serialize, de::DeserializeOwned};

use super::{Connection, Sender, pipe_bounded, pipe_oneway};
use crate::error::{RecvError, SendCause, SendError};
use crate::value::Value;

/// The largest payload a frame may announce: 64 MiB. A longer frame is
/// refused as [`RecvError::Corrupt`] by the reader, without allocating it,
/// and a longer message is refused by [`write_frame`].
pub const MAX_FRAME_LEN: usize = 64 * 1024 * 1024;

/// How many messages the reader thread reads ahead of `recv`, at most:
/// then it waits for `recv` to take one, and the other process's writes
/// wait on the full OS pipe (see the module's documentation).
pub const READ_AHEAD: usize = 64;

/// Bytes in a frame's length prefix.
const PREFIX_LEN: usize = 4;

/// Encodes a message into a whole frame, prefix included. A plain `fn`
/// pointer, not a serde bound, so that [`Connection<T>`] stays usable for
/// messages that cannot be serialized (between threads).
type Encode<T> = fn(&T) -> Result<Vec<u8>, SendCause>;

/// Decodes a frame's payload into a message.
type Decode<T> = fn(&[u8]) -> Result<T, RecvError>;

/// `write_frame(w, item)`: encodes `item` with postcard and writes it to
/// `w` as one frame, a 4-byte little-endian length and then the payload.
/// It does not flush `w`.
///
/// Fails with the error of `w`, or with `ErrorKind::InvalidInput` if
/// `item` does not encode or encodes to more than [`MAX_FRAME_LEN`] bytes
/// (then nothing is written).
///
/// ```
/// use syncbook::pipe::process::{read_frame, write_frame};
///
/// let mut bytes = Vec::new();
/// write_frame(&mut bytes, &(7u32, "seven".to_string())).unwrap();
/// // 7 payload bytes: 7 as a one-byte varint, then the string's length and
/// // its UTF-8 bytes
/// assert_eq!(bytes, [7, 0, 0, 0, 7, 5, b's', b'e', b'v', b'e', b'n']);
///
/// let mut stream = &bytes[..];
/// assert_eq!(read_frame(&mut stream), Ok(Some((7u32, "seven".to_string()))));
/// assert_eq!(read_frame::<(u32, String)>(&mut stream), Ok(None)); // end of stream
/// ```
#[cfg(not(feature = "loom"))]
pub fn write_frame<T: Serialize>(w: &mut impl Write, item: &T) -> io::Result<()> {
    let frame = encode_frame(item)
        .map_err(|why| io::Error::new(ErrorKind::InvalidInput, why.to_string()))?;
    w.write_all(&frame)
}

/// `read_frame(r)`: reads one frame from `r` and decodes its payload as a
/// `T`.
///
/// - `Ok(Some(message))`: a whole frame that decodes as a `T`.
/// - `Ok(None)`: the stream ended cleanly, at a frame boundary.
/// - `Err(RecvError::Truncated { expected, got })`: the stream ended inside
///   a frame: inside its length prefix (`expected` is 4), or inside its
///   payload (`expected` is the length the prefix announced).
/// - `Err(RecvError::Corrupt(why))`: a length above [`MAX_FRAME_LEN`], or a
///   payload that does not decode as a `T`, or that has bytes left over
///   after the message.
/// - `Err(RecvError::Io(why))`: reading failed (an interrupted read is
///   retried).
///
/// It never panics, whatever the bytes.
///
/// ```
/// use syncbook::RecvError;
/// use syncbook::pipe::process::{read_frame, write_frame};
///
/// let mut bytes = Vec::new();
/// write_frame(&mut bytes, &"hello".to_string()).unwrap();
///
/// let cut = &bytes[..bytes.len() - 2]; // the sender died mid-message
/// let err = read_frame::<String>(&mut &cut[..]).unwrap_err();
/// assert_eq!(err, RecvError::Truncated { expected: 6, got: 4 });
///
/// let stray = b"oops, a println!"; // "oops" read as a length: 1.9 GB
/// let err = read_frame::<String>(&mut &stray[..]).unwrap_err();
/// assert!(matches!(err, RecvError::Corrupt(_)), "{err}");
/// ```
#[cfg(not(feature = "loom"))]
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> Result<Option<T>, RecvError> {
    read_message(r, decode::<T>)
}

/// A frame's payload decoded as a `T`, which must use every byte.
#[cfg(not(feature = "loom"))]
fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<T, RecvError> {
    match postcard::take_from_bytes::<T>(payload) {
        Ok((message, [])) => Ok(message),
        Ok((_, rest)) => Err(RecvError::Corrupt(format!(
            "{} bytes left over after the message, inside a frame of {} bytes",
            rest.len(),
            payload.len()
        ))),
        Err(why) => Err(RecvError::Corrupt(format!(
            "a frame of {} bytes does not decode as {}: {why}",
            payload.len(),
            std::any::type_name::<T>()
        ))),
    }
}

/// `item`'s whole frame: the length prefix, then the postcard payload.
#[cfg(not(feature = "loom"))]
fn encode_frame<T: Serialize>(item: &T) -> Result<Vec<u8>, SendCause> {
    let mut frame = postcard::to_extend(item, vec![0; PREFIX_LEN])
        .map_err(|why| SendCause::Encode(why.to_string()))?;
    let len = frame.len() - PREFIX_LEN;
    let prefix = u32::try_from(len)
        .ok()
        .filter(|_| len <= MAX_FRAME_LEN)
        .ok_or(SendCause::TooLarge {
            len,
            max: MAX_FRAME_LEN,
        })?;
    frame[..PREFIX_LEN].copy_from_slice(&prefix.to_le_bytes());
    Ok(frame)
}

/// One frame read and decoded; see [`read_frame`].
fn read_message<T>(r: &mut impl Read, decode: Decode<T>) -> Result<Option<T>, RecvError> {
    read_payload(r)?.map(|payload| decode(&payload)).transpose()
}

// ANCHOR: read_payload
/// One frame's payload, or `None` at a clean end of stream.
fn read_payload(r: &mut impl Read) -> Result<Option<Vec<u8>>, RecvError> {
    let mut prefix = [0; PREFIX_LEN];
    match read_full(r, &mut prefix)? {
        0 => return Ok(None), // the stream ended between two frames
        PREFIX_LEN => {}
        got => {
            return Err(RecvError::Truncated {
                expected: PREFIX_LEN,
                got,
            });
        }
    }
    let announced = u32::from_le_bytes(prefix);
    let Some(len) = usize::try_from(announced)
        .ok()
        .filter(|&len| len <= MAX_FRAME_LEN)
    else {
        return Err(RecvError::Corrupt(format!(
            "a frame announces {announced} bytes, more than a frame may hold ({MAX_FRAME_LEN})"
        )));
    };
    // Grows as bytes come, rather than trusting the prefix with one
    // allocation: a stream cut short costs only what it sent.
    let mut payload = Vec::new();
    r.by_ref()
        .take(len as u64)
        .read_to_end(&mut payload)
        .map_err(read_failed)?;
    if payload.len() < len {
        return Err(RecvError::Truncated {
            expected: len,
            got: payload.len(),
        });
    }
    Ok(Some(payload))
}
// ANCHOR_END: read_payload

/// Fills `buf` from `r` as far as the stream goes; how many bytes came.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, RecvError> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(read_failed(e)),
        }
    }
    Ok(got)
}

fn read_failed(e: io::Error) -> RecvError {
    RecvError::Io(e.to_string())
}

// ANCHOR: frame_writer
/// The sending half of a connection to another process: its writing
/// stream, `None` once a write has failed, behind the crate's lock.
pub(crate) struct FrameWriter<T> {
    stream: Value<Option<Box<dyn Write + Send>>>,
    encode: Encode<T>,
}

impl<T> FrameWriter<T> {
    /// Encodes, writes and flushes one frame; `Err`, with `item` inside and
    /// the cause, if it does not encode, is too large for a frame (then
    /// nothing is written, and the stream stays open), or the other process
    /// is gone.
    pub(crate) fn send(&self, item: T) -> Result<(), SendError<T>> {
        let frame = match (self.encode)(&item) {
            Ok(frame) => frame,
            Err(cause) => return Err(SendError(item, cause)),
        };
        let mut stream = self.stream.get_lock();
        let Some(w) = stream.as_mut() else {
            return Err(SendError(item, SendCause::Closed)); // broken before
        };
        if w.write_all(&frame).and_then(|()| w.flush()).is_err() {
            *stream = None; // closes our end; no later frame follows a half one
            return Err(SendError(item, SendCause::Closed));
        }
        Ok(())
    }
}
// ANCHOR_END: frame_writer

// Not derived: the stream is a `dyn Write`, which has no `Debug`.
impl<T> fmt::Debug for FrameWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameWriter").finish_non_exhaustive()
    }
}

// A connection may be shared by threads whatever its messages are: the
// writer holds only bytes and a function pointer.
const _: () = {
    const fn send_and_sync<X: Send + Sync>() {}
    send_and_sync::<FrameWriter<std::rc::Rc<u8>>>();
};

/// `connect(reader, writer)`: a [`Connection`] that receives the frames
/// read from `reader` and sends frames to `writer` (both ends of byte
/// streams to another process, such as OS pipes). A thread,
/// `syncbook-pipe-reader`, reads `reader` until it ends.
///
/// The other end sees end of file when this connection is dropped (the
/// `writer` is dropped with it). This end sees end of file, after every
/// message, when `reader` ends.
///
/// ```
/// use std::io::pipe;
/// use syncbook::pipe::process::connect;
///
/// // Two OS pipes, one each way, within one process for the example.
/// let (a_reads, b_writes) = pipe().unwrap();
/// let (b_reads, a_writes) = pipe().unwrap();
/// let a = connect::<String>(a_reads, a_writes);
/// let b = connect::<String>(b_reads, b_writes);
///
/// a.send("ping".to_string()).unwrap();
/// assert_eq!(b.recv().unwrap(), "ping");
/// b.send("pong".to_string()).unwrap();
/// assert_eq!(a.recv().unwrap(), "pong");
///
/// drop(a); // closes a's writing pipe
/// assert!(b.recv().unwrap_err().is_eof());
/// ```
#[cfg(not(feature = "loom"))]
pub fn connect<T>(
    reader: impl Read + Send + 'static,
    writer: impl Write + Send + 'static,
) -> Connection<T>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    connect_with(reader, Box::new(writer), encode_frame::<T>, decode::<T>)
}

// ANCHOR: connect_with
/// [`connect`], given how to encode and decode: no serde bound here.
// In the model build nothing calls it (no serde there); it is kept, and so
// compiled, so that both builds check the same machinery.
#[cfg_attr(feature = "loom", allow(dead_code))]
fn connect_with<T: Send + 'static>(
    reader: impl Read + Send + 'static,
    writer: Box<dyn Write + Send>,
    encode: Encode<T>,
    decode: Decode<T>,
) -> Connection<T> {
    let writer = FrameWriter {
        stream: Value::new(Some(writer)),
        encode,
    };
    let (inbox, sender) = pipe_bounded(READ_AHEAD);
    let mut reader = BufReader::new(reader);
    // An OS thread even when the rest of the crate uses loom's: it blocks
    // in the OS's `read`, which no model can see.
    let started = std::thread::Builder::new()
        .name("syncbook-pipe-reader".to_string())
        .spawn(move || forward(&mut reader, decode, sender));
    let inbox = match started {
        Ok(_detached) => inbox,
        Err(why) => {
            // Nothing will ever be read: say why at the first `recv`.
            let (inbox, sender) = pipe_oneway();
            sender.close_with(RecvError::Io(format!(
                "could not start the thread that reads from the other process: {why}"
            )));
            inbox
        }
    };
    Connection::remote(inbox, writer)
}

/// The reader thread: frames in, messages out, then the end of the stream.
fn forward<T: Send>(reader: &mut impl Read, decode: Decode<T>, sender: Sender<T>) {
    loop {
        match read_message(reader, decode) {
            Ok(Some(message)) => {
                if sender.send(message).is_err() {
                    return; // the connection is gone: stop reading
                }
            }
            Ok(None) => return, // dropping `sender` is the end of file
            Err(why) => return sender.close_with(why),
        }
    }
}
// ANCHOR_END: connect_with

/// `spawn_child(command)`: starts `command` with its standard input and
/// output connected to the returned [`Connection`] (the parent writes to
/// the child's stdin and reads the child's stdout). The child's stderr is
/// left as `command` has it: inherited unless set otherwise, so the child
/// can still print there. The child calls [`connect_to_parent`].
///
/// The child sees end of file when this connection is dropped; this side
/// sees end of file when the child exits. So to finish: drop the
/// connection, *then* `child.wait()` (waiting first, while the child waits
/// for your next message, waits for ever).
///
/// Fails as [`Command::spawn`] does.
///
/// ```no_run
/// use std::process::Command;
/// use syncbook::pipe::process::spawn_child;
///
/// // examples/pipe_child.rs, built by `cargo build --example pipe_child`
/// let mut command = Command::new("target/debug/examples/pipe_child");
/// let (mut child, conn) = spawn_child::<String>(command.arg("echo")).unwrap();
/// conn.send("hello".to_string()).unwrap();
/// assert_eq!(conn.recv().unwrap(), "HELLO");
/// drop(conn); // end of file for the child, which then exits
/// assert!(child.wait().unwrap().success());
/// ```
#[cfg(not(feature = "loom"))]
pub fn spawn_child<T>(command: &mut Command) -> io::Result<(Child, Connection<T>)>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    match (child.stdin.take(), child.stdout.take()) {
        (Some(stdin), Some(stdout)) => Ok((child, connect(stdout, stdin))),
        _ => {
            // Cannot happen with both set to `piped`; do not leave it running.
            let _ = child.kill();
            let _ = child.wait();
            Err(io::Error::other(
                "the child's stdin or stdout is not a pipe",
            ))
        }
    }
}

/// `connect_to_parent()`: in a child started by [`spawn_child`], the
/// connection to the parent, over this process's standard input (what the
/// parent sends) and standard output (what it receives).
///
/// The child must not print to its stdout in any other way (no `println!`):
/// the parent would read those bytes as frames and end the connection with
/// a [`RecvError::Corrupt`] error. Print to stderr (`eprintln!`) instead.
///
/// The child's `recv` gives [`RecvError::Eof`] once the parent has dropped its
/// connection (or exited). The parent's gives it once the child has exited:
/// dropping this connection does not close the process's stdout, which
/// Rust's standard library keeps open until the process ends.
///
/// ```no_run
/// use syncbook::pipe::process::connect_to_parent;
///
/// // The child's `main`: answer each message until the parent is done.
/// let conn = connect_to_parent::<String>();
/// while let Ok(message) = conn.recv() {
///     if conn.send(message.to_uppercase()).is_err() {
///         break; // the parent is gone
///     }
/// }
/// ```
#[cfg(not(feature = "loom"))]
pub fn connect_to_parent<T>() -> Connection<T>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    connect(io::stdin(), io::stdout())
}
