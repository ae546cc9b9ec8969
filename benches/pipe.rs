//! The Pipe chapter's benchmarks: `syncbook::pipe()` between threads,
//! against `crossbeam_channel` and `std::sync::mpsc`; and the cost of
//! crossing an OS pipe, within one process and to a real child process.
//!
//! `cargo bench --bench pipe` runs them (under a minute) and writes
//! `bench-results/pipe.md`; `cargo bench --bench pipe -- one-way` runs one
//! group only (and writes no report).
//!
//! The child process is this bench's own executable, started again with
//! the environment variable [`CHILD_ENV`] set: the bench has
//! `harness = false`, so `main` is ours, and it serves the parent over its
//! stdin and stdout before criterion ever starts.

mod report;

use std::cell::RefCell;
use std::env;
use std::hint::black_box;
use std::io::{self, BufReader, Read, Write};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group};
use syncbook::Connection;
use syncbook::pipe::process::{connect, connect_to_parent, spawn_child};

const ROUND_TRIP: &str = "pipe/round-trip";
const ONE_WAY: &str = "pipe/one-way";

const CROSSBEAM: &str = "crossbeam-channel";
const STD: &str = "std mpsc";
const SYNCBOOK: &str = "syncbook pipe";
const RAW: &str = "raw OS pipes, 8-byte writes";
const OS_PIPES: &str = "syncbook over OS pipes, one process";
const CHILD: &str = "syncbook to a child process";

/// Set (to `echo` or `sink`) in the environment of the child process.
const CHILD_ENV: &str = "SYNCBOOK_PIPE_BENCH_CHILD";

/// The message that asks a sink for its count.
const MARKER: u64 = u64::MAX;

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: ROUND_TRIP,
        note: "One thread sends a `u64` and waits for it to come back from an \
               echo at the other end; one iteration is one round trip, time is \
               wall time per round trip. The echo is a thread of this process \
               in every row but the last. Rows: two \
               `crossbeam_channel::unbounded()` channels, one each way; two \
               `std::sync::mpsc::channel()`s; `syncbook::pipe()`; two \
               `std::io::pipe()`s carrying each number as 8 raw bytes (one \
               `write` per message, `read_exact` through a `BufReader`: the \
               OS's cost alone); `syncbook::pipe::process::connect` on both \
               sides of two `std::io::pipe()`s (each message framed with \
               postcard, written with one `write`, read by the receiving \
               side's `syncbook-pipe-reader` thread and handed on through the \
               in-process channel: all that a child process costs except the \
               second process); `spawn_child`, the echo being a child process \
               (this bench's executable, started again to serve with \
               `connect_to_parent`). Echo threads and the child are started \
               once per row, before it is measured.",
        functions: &[CROSSBEAM, STD, SYNCBOOK, RAW, OS_PIPES, CHILD],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
    report::Group {
        id: ONE_WAY,
        note: "One thread sends `u64`s (the numbers 0, 1, 2, ...) as fast as it \
               can; the other end counts them. One iteration is one message; \
               time is wall time per message, from the first send until the \
               counter, after a final marker message, has sent back its count \
               (one round trip per criterion sample, which sends thousands of \
               messages). Rows as above, without std's channel; in-process \
               channels are unbounded, so \
               the sender may run ahead, while an OS pipe's buffer (64 KiB on \
               Linux) holds it back when the reader falls behind.",
        functions: &[CROSSBEAM, SYNCBOOK, RAW, OS_PIPES, CHILD],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
];

/// One end of a two-way link, so one bench body covers every kind.
trait End: Send {
    /// Whether the message went (`false`: the other end is gone).
    fn send(&self, x: u64) -> bool;
    /// The next message, or `None` once the other end is gone.
    fn recv(&self) -> Option<u64>;
}

impl End for Connection<u64> {
    fn send(&self, x: u64) -> bool {
        Connection::send(self, x).is_ok()
    }
    fn recv(&self) -> Option<u64> {
        Connection::recv(self).ok()
    }
}

/// A channel each way.
struct Duplex<S, R> {
    tx: S,
    rx: R,
}

impl End for CrossbeamEnd {
    fn send(&self, x: u64) -> bool {
        self.tx.send(x).is_ok()
    }
    fn recv(&self) -> Option<u64> {
        self.rx.recv().ok()
    }
}

impl End for MpscEnd {
    fn send(&self, x: u64) -> bool {
        self.tx.send(x).is_ok()
    }
    fn recv(&self) -> Option<u64> {
        self.rx.recv().ok()
    }
}

/// An OS pipe each way, a message being 8 little-endian bytes: no framing,
/// no encoding, no reader thread.
struct Raw {
    writer: RefCell<io::PipeWriter>,
    reader: RefCell<BufReader<io::PipeReader>>,
}

impl End for Raw {
    fn send(&self, x: u64) -> bool {
        self.writer.borrow_mut().write_all(&x.to_le_bytes()).is_ok()
    }
    fn recv(&self) -> Option<u64> {
        let mut bytes = [0; 8];
        let read = self.reader.borrow_mut().read_exact(&mut bytes);
        read.ok().map(|()| u64::from_le_bytes(bytes))
    }
}

type CrossbeamEnd = Duplex<crossbeam_channel::Sender<u64>, crossbeam_channel::Receiver<u64>>;
type MpscEnd = Duplex<mpsc::Sender<u64>, mpsc::Receiver<u64>>;

fn crossbeam_pair() -> (CrossbeamEnd, CrossbeamEnd) {
    let (a_tx, b_rx) = crossbeam_channel::unbounded();
    let (b_tx, a_rx) = crossbeam_channel::unbounded();
    (Duplex { tx: a_tx, rx: a_rx }, Duplex { tx: b_tx, rx: b_rx })
}

fn mpsc_pair() -> (MpscEnd, MpscEnd) {
    let (a_tx, b_rx) = mpsc::channel();
    let (b_tx, a_rx) = mpsc::channel();
    (Duplex { tx: a_tx, rx: a_rx }, Duplex { tx: b_tx, rx: b_rx })
}

fn raw_pair() -> (Raw, Raw) {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    let end = |reader, writer| Raw {
        writer: RefCell::new(writer),
        reader: RefCell::new(BufReader::new(reader)),
    };
    (end(a_reads, a_writes), end(b_reads, b_writes))
}

fn os_pipes_pair() -> (Connection<u64>, Connection<u64>) {
    let (a_reads, b_writes) = io::pipe().unwrap();
    let (b_reads, a_writes) = io::pipe().unwrap();
    (connect(a_reads, a_writes), connect(b_reads, b_writes))
}

/// What the far end does: echo every message, or count them.
#[derive(Clone, Copy)]
enum Serve {
    Echo,
    Sink,
}

impl Serve {
    fn name(self) -> &'static str {
        match self {
            Serve::Echo => "echo",
            Serve::Sink => "sink",
        }
    }

    /// Serves `far` until the other end is gone.
    fn run(self, far: &impl End) {
        match self {
            Serve::Echo => {
                while let Some(x) = far.recv() {
                    if !far.send(x) {
                        return;
                    }
                }
            }
            Serve::Sink => {
                let mut count = 0;
                while let Some(x) = far.recv() {
                    if x == MARKER {
                        if !far.send(count) {
                            return;
                        }
                        count = 0;
                    } else {
                        count += 1;
                    }
                }
            }
        }
    }

    /// The timed part of one criterion sample: `iters` round trips, or
    /// `iters` messages one way and then the count back.
    fn measure(self, near: &impl End, iters: u64) -> Duration {
        let start = Instant::now();
        match self {
            Serve::Echo => {
                for i in 0..iters {
                    assert!(near.send(black_box(i)), "the echo is gone");
                    assert_eq!(near.recv(), Some(i), "the echo answered wrong");
                }
            }
            Serve::Sink => {
                for i in 0..iters {
                    assert!(near.send(black_box(i)), "the sink is gone");
                }
                assert!(near.send(MARKER), "the sink is gone");
                assert_eq!(near.recv(), Some(iters), "lost messages");
            }
        }
        start.elapsed()
    }
}

/// Who serves the far end, to be stopped after the row.
enum Server {
    Thread(JoinHandle<()>),
    Child(Child),
}

/// Benchmarks one row: `near`, whose far end `server` serves.
fn row<E: End>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    serve: Serve,
    near: E,
    server: Server,
) {
    g.bench_function(name, |b| b.iter_custom(|iters| serve.measure(&near, iters)));
    drop(near); // the far end's end of file: it stops serving
    match server {
        Server::Thread(t) => t.join().expect("the serving thread panicked"),
        Server::Child(mut child) => {
            let status = child.wait().expect("wait for the child");
            assert!(status.success(), "the child failed: {status}");
        }
    }
}

/// A row whose far end a thread of this process serves.
fn thread_row<E: End + 'static>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    serve: Serve,
    (near, far): (E, E),
) {
    let server = thread::spawn(move || serve.run(&far));
    row(g, name, serve, near, Server::Thread(server));
}

/// The row whose far end is a child process: this executable again.
fn child_row(g: &mut BenchmarkGroup<'_, WallTime>, serve: Serve) {
    let me = env::current_exe().expect("the path of the bench");
    let mut command = Command::new(me);
    command.env(CHILD_ENV, serve.name());
    let (child, near) = spawn_child::<u64>(&mut command).expect("start the child");
    row(g, CHILD, serve, near, Server::Child(child));
}

fn round_trip(c: &mut Criterion) {
    let mut g = c.benchmark_group(ROUND_TRIP);
    let serve = Serve::Echo;
    thread_row(&mut g, CROSSBEAM, serve, crossbeam_pair());
    thread_row(&mut g, STD, serve, mpsc_pair());
    thread_row(&mut g, SYNCBOOK, serve, syncbook::pipe::<u64>());
    thread_row(&mut g, RAW, serve, raw_pair());
    thread_row(&mut g, OS_PIPES, serve, os_pipes_pair());
    child_row(&mut g, serve);
    g.finish();
}

fn one_way(c: &mut Criterion) {
    let mut g = c.benchmark_group(ONE_WAY);
    let serve = Serve::Sink;
    thread_row(&mut g, CROSSBEAM, serve, crossbeam_pair());
    thread_row(&mut g, SYNCBOOK, serve, syncbook::pipe::<u64>());
    thread_row(&mut g, RAW, serve, raw_pair());
    thread_row(&mut g, OS_PIPES, serve, os_pipes_pair());
    child_row(&mut g, serve);
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = round_trip, one_way
}

fn main() {
    if let Some(mode) = env::var_os(CHILD_ENV) {
        // The child process: serve the parent over stdin and stdout (so
        // nothing else may print to stdout), until it closes its end.
        let serve = match mode.to_str() {
            Some("echo") => Serve::Echo,
            Some("sink") => Serve::Sink,
            _ => panic!("{CHILD_ENV} must be echo or sink, not {mode:?}"),
        };
        serve.run(&connect_to_parent::<u64>());
        return;
    }
    report::main("pipe", benches, GROUPS, &[CROSSBEAM, SYNCBOOK]);
}
