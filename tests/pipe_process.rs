//! Chapter "Pipe", between processes: the frame format (`write_frame`,
//! `read_frame`) on any input, good, cut short or corrupt, and a
//! `Connection` to a real child process, `examples/pipe_child.rs`.
//!
//! `cargo test --test pipe_process` runs these; the tests build the child
//! program first if `cargo test` has not (`cargo build --example
//! pipe_child`).

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[path = "common/example.rs"]
mod example;

use syncbook::pipe::process::{
    MAX_FRAME_LEN, READ_AHEAD, connect, read_frame, spawn_child, write_frame,
};
use syncbook::{Connection, RecvError, SendCause};

/// Long enough for a loaded machine; a bug fails the test after this
/// instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(30);

type Message = (u32, String);

fn frames(messages: &[Message]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for message in messages {
        write_frame(&mut bytes, message).unwrap();
    }
    bytes
}

/// Reads frames until the first `Ok(None)` or `Err`: the messages, then
/// how the stream ended.
fn read_all<T: serde::de::DeserializeOwned>(mut bytes: &[u8]) -> (Vec<T>, Result<(), RecvError>) {
    let mut messages = Vec::new();
    loop {
        match read_frame(&mut bytes) {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => return (messages, Ok(())),
            Err(why) => return (messages, Err(why)),
        }
    }
}

fn message() -> impl Strategy<Value = Message> {
    (any::<u32>(), any::<String>())
}

// ANCHOR: format
proptest! {
    #[test]
    fn frames_read_back_as_written_then_end_of_stream(
        messages in prop::collection::vec(message(), 0..20),
    ) {
        let (read, end) = read_all::<Message>(&frames(&messages));
        prop_assert_eq!(read, messages);
        prop_assert_eq!(end, Ok(()));
    }

    /// A stream cut anywhere (the sender died mid-write) gives the messages
    /// wholly before the cut, then a clean end only at a frame boundary.
    #[test]
    fn a_stream_cut_anywhere_gives_the_whole_messages_then_its_end(
        messages in prop::collection::vec(message(), 1..5),
    ) {
        // Where each frame starts, and the length of its payload.
        let mut starts = Vec::new();
        let mut bytes = Vec::new();
        for message in &messages {
            let start = bytes.len();
            write_frame(&mut bytes, message).unwrap();
            starts.push((start, bytes.len() - start - 4));
        }
        for cut in 0..=bytes.len() {
            let (read, end) = read_all::<Message>(&bytes[..cut]);
            let whole = starts.iter().filter(|&&(start, len)| start + 4 + len <= cut).count();
            prop_assert_eq!(&read[..], &messages[..whole], "cut at {}", cut);
            match starts.get(whole) {
                Some(&(start, _)) if start == cut => prop_assert_eq!(end, Ok(())),
                None => prop_assert_eq!(end, Ok(())),
                Some(&(start, len)) => {
                    let into = cut - start;
                    let expected = if into < 4 {
                        RecvError::Truncated { expected: 4, got: into }
                    } else {
                        RecvError::Truncated { expected: len, got: into - 4 }
                    };
                    prop_assert_eq!(end, Err(expected), "cut at {}", cut);
                }
            }
        }
    }

    /// Whatever the bytes, reading ends (each frame takes at least its four
    /// length bytes) and never panics.
    #[test]
    fn any_bytes_read_without_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let (read, _end) = read_all::<Message>(&bytes);
        prop_assert!(read.len() <= bytes.len() / 4);
    }
}
// ANCHOR_END: format

fn corrupt_message(end: Result<(), RecvError>) -> String {
    match end {
        Err(RecvError::Corrupt(why)) => {
            let shown = RecvError::Corrupt(why.clone()).to_string();
            assert!(shown.contains(&why), "{shown}");
            shown
        }
        other => panic!("expected a Corrupt error, got {other:?}"),
    }
}

#[test]
fn a_length_above_the_maximum_is_corrupt_and_not_allocated() {
    let too_long = u32::try_from(MAX_FRAME_LEN + 1).unwrap();
    let mut bytes = too_long.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"a few bytes");
    let (read, end) = read_all::<Message>(&bytes);
    assert!(read.is_empty());
    let shown = corrupt_message(end);
    assert!(shown.contains(&too_long.to_string()), "{shown}");
    assert!(shown.contains("more than a frame may hold"), "{shown}");

    let (_, end) = read_all::<Message>(&u32::MAX.to_le_bytes());
    assert!(corrupt_message(end).contains(&u32::MAX.to_string()));
}

#[test]
fn a_payload_that_is_not_a_message_of_that_type_is_corrupt() {
    // A bool is one byte, 0 or 1: 7 is not one.
    let (read, end) = read_all::<bool>(&[1, 0, 0, 0, 7]);
    assert!(read.is_empty());
    let shown = corrupt_message(end);
    assert!(shown.contains("does not decode as bool"), "{shown}");

    // A frame of a u64 read as a String: 200 is a string length of 200
    // with no bytes behind it.
    let (_, end) = read_all::<String>(&frames_of(&[200u64]));
    assert!(corrupt_message(end).contains("does not decode as alloc::string::String"));

    // Not UTF-8.
    let (_, end) = read_all::<String>(&[3, 0, 0, 0, 2, 0xff, 0xfe]);
    corrupt_message(end);

    // An empty frame is no String.
    let (_, end) = read_all::<String>(&[0, 0, 0, 0]);
    corrupt_message(end);
}

fn frames_of<T: Serialize>(items: &[T]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for item in items {
        write_frame(&mut bytes, item).unwrap();
    }
    bytes
}

#[test]
fn bytes_left_over_inside_a_frame_are_corrupt() {
    // A u8 frame with two more bytes in it: 1 decodes, 2 and 3 are left.
    let (read, end) = read_all::<u8>(&[3, 0, 0, 0, 1, 2, 3]);
    assert!(read.is_empty());
    let shown = corrupt_message(end);
    assert!(shown.contains("2 bytes left over"), "{shown}");
}

#[test]
fn a_stream_cut_inside_the_length_is_truncated() {
    let bytes = frames(&[(1, "one".to_string())]);
    for cut in 1..4 {
        let (read, end) = read_all::<Message>(&bytes[..cut]);
        assert!(read.is_empty());
        let err = end.unwrap_err();
        assert_eq!(
            err,
            RecvError::Truncated {
                expected: 4,
                got: cut
            }
        );
        assert_eq!(
            err.to_string(),
            format!("the other process's stream ended inside a message: {cut} of 4 bytes came")
        );
    }
}

#[test]
fn a_stream_cut_inside_the_payload_is_truncated() {
    let bytes = frames(&[(1, "one".to_string())]);
    let (_, end) = read_all::<Message>(&bytes[..bytes.len() - 1]);
    let err = end.unwrap_err();
    assert_eq!(
        err,
        RecvError::Truncated {
            expected: 5,
            got: 4
        }
    );
    assert!(err.to_string().contains("4 of 5 bytes came"), "{err}");
}

#[test]
fn a_message_too_big_for_a_frame_is_refused_before_writing() {
    let huge = "x".repeat(MAX_FRAME_LEN);
    let mut bytes = Vec::new();
    let err = write_frame(&mut bytes, &huge).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("more than a frame may hold"),
        "{err}"
    );
    assert!(bytes.is_empty(), "nothing written");
}

/// A reader that is interrupted before every byte it gives.
struct Interrupting<'a> {
    bytes: &'a [u8],
    interrupt: bool,
}

impl Read for Interrupting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = buf.len().min(self.bytes.len()).min(1);
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn interrupted_reads_are_retried_and_other_errors_reported() {
    let messages = vec![(1, "one".to_string()), (2, "two".to_string())];
    let bytes = frames(&messages);
    let mut reader = Interrupting {
        bytes: &bytes,
        interrupt: false,
    };
    assert_eq!(
        read_frame::<Message>(&mut reader),
        Ok(Some(messages[0].clone()))
    );
    assert_eq!(
        read_frame::<Message>(&mut reader),
        Ok(Some(messages[1].clone()))
    );
    assert_eq!(read_frame::<Message>(&mut reader), Ok(None));

    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("the disk is on fire"))
        }
    }
    let err = read_frame::<Message>(&mut Failing).unwrap_err();
    assert_eq!(err, RecvError::Io("the disk is on fire".to_string()));
    assert_eq!(
        err.to_string(),
        "reading from the other process failed: the disk is on fire"
    );
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Job {
    Add(i64, i64),
    Say { words: Vec<String> },
    Stop,
}

#[test]
fn any_serde_type_crosses_in_a_frame() {
    let jobs = vec![
        Job::Add(-2, 40),
        Job::Say {
            words: vec!["hi".to_string(), String::new()],
        },
        Job::Stop,
    ];
    let (read, end) = read_all::<Job>(&frames_of(&jobs));
    assert_eq!(read, jobs);
    assert_eq!(end, Ok(()));
}

// ---- connections over OS pipes, within this process ----

fn answer<T: Send>(conn: &Connection<T>) -> Result<T, RecvError> {
    conn.recv_timeout(TIMEOUT)
        .unwrap_or_else(|| panic!("no message and no end of file within {TIMEOUT:?}"))
}

/// A connection that reads `bytes` (then end of file) and writes nowhere.
fn connection_reading(bytes: Vec<u8>) -> Connection<Message> {
    let (reads, mut writes) = io::pipe().unwrap();
    thread::spawn(move || {
        writes.write_all(&bytes).unwrap();
    }); // dropped: end of file
    connect(reads, io::sink())
}

#[test]
fn a_connection_gives_every_message_then_how_the_stream_ended() {
    let messages = vec![(1, "one".to_string()), (2, "two".to_string())];

    let conn = connection_reading(frames(&messages));
    assert_eq!(answer(&conn), Ok(messages[0].clone()));
    assert_eq!(answer(&conn), Ok(messages[1].clone()));
    assert_eq!(answer(&conn), Err(RecvError::Eof));
    assert!(conn.poll(Duration::ZERO), "end of file is ready at once");
    assert_eq!(answer(&conn), Err(RecvError::Eof), "and stays");

    let mut cut = frames(&messages);
    cut.extend_from_slice(&frames(&messages)[..7]);
    let conn = connection_reading(cut);
    assert_eq!(answer(&conn), Ok(messages[0].clone()));
    assert_eq!(answer(&conn), Ok(messages[1].clone()));
    let err = answer(&conn).unwrap_err();
    assert!(matches!(err, RecvError::Truncated { .. }), "{err}");
    assert_eq!(answer(&conn), Err(err), "the same error, every time");

    let mut bad = frames(&messages[..1]);
    bad.extend_from_slice(&[1, 0, 0, 0, 0x80]); // a varint that never ends
    bad.extend_from_slice(&frames(&messages[1..])); // not read: after the bad frame
    let conn = connection_reading(bad);
    assert_eq!(answer(&conn), Ok(messages[0].clone()));
    let err = answer(&conn).unwrap_err();
    assert!(matches!(err, RecvError::Corrupt(_)), "{err}");
}

#[test]
fn threads_sending_at_once_never_mix_their_frames() {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    let a = connect::<Message>(a_reads, a_writes);
    let b = connect::<Message>(b_reads, b_writes);
    let text = "x".repeat(1000); // several frames fill an OS pipe's buffer
    thread::scope(|s| {
        for t in 0..4 {
            let (a, text) = (&a, &text);
            s.spawn(move || {
                for i in 0..100 {
                    a.send((t * 1000 + i, text.clone())).unwrap();
                }
            });
        }
        let mut seen = Vec::new();
        for _ in 0..400 {
            let (n, got) = answer(&b).unwrap();
            assert_eq!(got, text);
            seen.push(n);
        }
        // Each thread's messages in the order it sent them.
        for t in 0..4 {
            let mine: Vec<u32> = seen.iter().copied().filter(|n| n / 1000 == t).collect();
            assert_eq!(mine, (0..100).map(|i| t * 1000 + i).collect::<Vec<_>>());
        }
    });
    drop(a);
    assert_eq!(answer(&b), Err(RecvError::Eof));
}

/// A note that serde can write, unless it is a secret: `Serialize` fails
/// for `Secret`, as it may for any type (a map with non-string keys in
/// JSON, say).
#[derive(Clone, Debug, PartialEq, Deserialize)]
enum Note {
    Short(String),
    Secret,
}

impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Note::Short(text) => s.serialize_newtype_variant("Note", 0, "Short", text),
            Note::Secret => Err(serde::ser::Error::custom("a secret is never written")),
        }
    }
}

/// Two connections over OS pipes, one each way, within this process.
fn connected<T>() -> (Connection<T>, Connection<T>)
where
    T: Serialize + serde::de::DeserializeOwned + Send + 'static,
{
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    (connect(a_reads, a_writes), connect(b_reads, b_writes))
}

#[test]
fn a_message_that_does_not_encode_is_handed_back_and_says_so() {
    let (a, b) = connected::<Note>();
    let err = a.send(Note::Secret).unwrap_err();
    // postcard keeps no custom message: its own error's text is the cause.
    assert_eq!(
        err.to_string(),
        "send of a message that does not encode: Serde Serialization Error; \
         the message is handed back"
    );
    assert_eq!(
        err.cause(),
        &SendCause::Encode("Serde Serialization Error".to_string())
    );
    assert_eq!(err.into_inner(), Note::Secret);
    // Nothing was written: the connection still works.
    a.send(Note::Short("hi".to_string())).unwrap();
    assert_eq!(answer(&b), Ok(Note::Short("hi".to_string())));
}

#[test]
fn a_message_too_large_for_a_frame_is_handed_back_and_says_so() {
    let (a, b) = connected::<Note>();
    let huge = Note::Short("x".repeat(MAX_FRAME_LEN));
    let err = a.send(huge.clone()).unwrap_err();
    // 1 byte of variant, 4 of the string's varint length, then the string
    let len = MAX_FRAME_LEN + 5;
    assert_eq!(
        err.to_string(),
        format!(
            "send of a message too large for a frame: it encodes to {len} bytes, \
             more than a frame may hold ({MAX_FRAME_LEN}); the message is handed back"
        )
    );
    assert_eq!(
        err.cause(),
        &SendCause::TooLarge {
            len,
            max: MAX_FRAME_LEN
        }
    );
    assert!(err.0 == huge, "handed back whole");
    a.send(Note::Short("small".to_string())).unwrap();
    assert_eq!(answer(&b), Ok(Note::Short("small".to_string())));
}

/// A thread that writes `n` frames of about a KiB each to `writes`, in
/// order, counting them; it returns the first write error, if any.
fn flood(mut writes: io::PipeWriter, n: u32) -> thread::JoinHandle<io::Result<()>> {
    thread::spawn(move || {
        let text = "x".repeat(1000);
        for i in 0..n {
            write_frame(&mut writes, &(i, text.clone()))?;
        }
        Ok(())
    })
}

// ANCHOR: read_ahead
/// The reader thread reads ahead of `recv` by at most `READ_AHEAD`
/// messages; after that it stops reading, the OS pipe fills, and the
/// writer waits, as a Python writer waits on a full pipe.
#[test]
fn a_writer_far_ahead_of_the_receiver_waits_instead_of_filling_memory() {
    const SENT: u32 = 1_000; // about 1 MB: far more than the pipe and the buffer hold
    let (reads, writes) = io::pipe().unwrap();
    let conn = connect::<Message>(reads, io::sink());
    let writer = flood(writes, SENT);
    let start = Instant::now();
    while conn.pending() < READ_AHEAD && !writer.is_finished() {
        assert!(conn.pending() <= READ_AHEAD, "{} buffered", conn.pending());
        assert!(start.elapsed() < TIMEOUT, "the buffer never filled");
        thread::sleep(Duration::from_millis(1));
    }
    for _ in 0..50 {
        assert!(conn.pending() <= READ_AHEAD, "{} buffered", conn.pending());
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(conn.pending(), READ_AHEAD, "full, and no further");
    assert!(
        !writer.is_finished(),
        "the writer waits on the full OS pipe"
    );
    for i in 0..SENT {
        let (n, _) = answer(&conn).unwrap();
        assert_eq!(n, i, "every message, in order");
        assert!(conn.pending() <= READ_AHEAD);
    }
    writer.join().unwrap().unwrap();
    assert_eq!(answer(&conn), Err(RecvError::Eof));
}
// ANCHOR_END: read_ahead

#[test]
fn dropping_a_connection_whose_buffer_is_full_ends_its_reader_thread() {
    let (reads, writes) = io::pipe().unwrap();
    let conn = connect::<Message>(reads, io::sink());
    let writer = flood(writes, 1_000);
    let start = Instant::now();
    while conn.pending() < READ_AHEAD {
        assert!(start.elapsed() < TIMEOUT, "the buffer never filled");
        thread::sleep(Duration::from_millis(1));
    }
    drop(conn);
    // The reader thread, woken, ends and closes the reading end of the OS
    // pipe: the writer's next write fails instead of waiting for ever.
    let (done, ended) = std::sync::mpsc::channel();
    thread::spawn(move || done.send(writer.join().unwrap()).unwrap());
    let result = ended
        .recv_timeout(TIMEOUT)
        .expect("the reader thread kept the OS pipe open");
    assert_eq!(result.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
}

// ---- a real child process: examples/pipe_child.rs ----

/// The child program, `examples/pipe_child.rs`, built if need be.
fn child_program() -> PathBuf {
    example::program("pipe_child")
}

/// A child process, killed if the test ends while it still runs.
struct Kid(Child);

impl Kid {
    fn start(mode: &str) -> (Kid, Connection<String>) {
        let (child, conn) = spawn_child(Command::new(child_program()).arg(mode))
            .unwrap_or_else(|e| panic!("could not start {}: {e}", child_program().display()));
        (Kid(child), conn)
    }

    /// Waits for the child to exit, failing the test after `TIMEOUT`.
    fn exit_status(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the child did not exit within {TIMEOUT:?}"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Kid {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

// ANCHOR: child
#[test]
fn a_child_sends_two_messages_then_its_exit_is_the_end_of_file() {
    let (mut child, conn) = Kid::start("two");
    assert_eq!(answer(&conn), Ok("one".to_string()));
    assert_eq!(answer(&conn), Ok("two".to_string()));
    assert_eq!(answer(&conn), Err(RecvError::Eof), "no hang once it exited");
    assert!(conn.poll(Duration::ZERO), "poll: end of file is ready");
    assert!(child.exit_status().success());
}

#[test]
fn a_child_echoes_until_the_parent_closes_its_end() {
    let (mut child, conn) = Kid::start("echo");
    for word in ["hello", "world", "", "ünïcödé"] {
        conn.send(word.to_string()).unwrap();
        assert_eq!(answer(&conn), Ok(word.to_uppercase()));
    }
    assert!(
        !conn.poll(Duration::from_millis(50)),
        "nothing more is coming yet"
    );
    drop(conn); // the child's end of file: its loop ends, and so does it
    assert!(child.exit_status().success());
}
// ANCHOR_END: child

#[test]
fn poll_is_true_at_the_end_of_file() {
    let (mut child, conn) = Kid::start("two");
    assert!(child.exit_status().success());
    for _ in 0..2 {
        assert!(conn.poll(TIMEOUT));
        answer(&conn).unwrap();
    }
    assert!(conn.poll(TIMEOUT), "the end of file is ready too");
    assert_eq!(conn.recv(), Err(RecvError::Eof));
}

#[test]
fn sending_to_a_child_that_has_exited_hands_the_message_back() {
    let (mut child, conn) = Kid::start("two");
    assert!(child.exit_status().success());
    // The OS may take a first write into the pipe's buffer; a later one
    // finds the reading end closed.
    let mut refused = None;
    for i in 0..1000 {
        if let Err(err) = conn.send(format!("message {i}")) {
            refused = Some((i, err.into_inner()));
            break;
        }
    }
    let (i, back) = refused.expect("1000 sends to an exited child all succeeded");
    assert_eq!(back, format!("message {i}"));
    let again = conn.send("later".to_string()).unwrap_err();
    assert_eq!(again.cause(), &SendCause::Closed);
    assert_eq!(again.into_inner(), "later", "and every send after");
}

#[test]
fn a_child_printing_to_stdout_gives_an_error_not_a_panic() {
    let (mut child, conn) = Kid::start("garbage");
    let err = answer(&conn).unwrap_err();
    assert!(
        matches!(err, RecvError::Corrupt(_) | RecvError::Truncated { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("more than a frame may hold"),
        "{err}"
    );
    assert!(child.exit_status().success());
}
