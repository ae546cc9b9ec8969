//! The Queue chapter's benchmarks: message throughput of `syncbook::Queue`
//! against `crossbeam_channel` and `std::sync::mpsc`, with one producer and
//! one consumer and with two of each, on a queue bounded at 64 items and on
//! an unbounded one.
//!
//! `cargo bench --bench queue` runs them (about 40 seconds) and writes
//! `bench-results/queue.md`; `cargo bench --bench queue -- 1p1c` runs some
//! groups only (and writes no report).

mod report;

use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use syncbook::Queue;

const P1C1_BOUNDED: &str = "queue/1p1c-bounded64";
const P1C1_UNBOUNDED: &str = "queue/1p1c-unbounded";
const P2C2_BOUNDED: &str = "queue/2p2c-bounded64";
const P2C2_UNBOUNDED: &str = "queue/2p2c-unbounded";

const SYNCBOOK: &str = "syncbook Queue";
const CROSSBEAM: &str = "crossbeam-channel";
const STD: &str = "std mpsc";
const STD_MUTEX: &str = "std mpsc, Receiver in a Mutex";
const POLLING: &str = "one lock, polling";

/// The bound of the bounded queues.
const CAP: usize = 64;

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: P1C1_BOUNDED,
        note: "One producer thread sends `u64`s, one consumer thread receives \
               them, through a queue that holds at most 64: \
               `Queue::bounded(64)` (`put`/`get`), `crossbeam_channel::bounded(64)`, \
               `std::sync::mpsc::sync_channel(64)` (`send`/`recv`). One \
               iteration is one message sent and received; time is wall time \
               per message. The threads are started once per criterion sample, \
               untimed: the clock runs from the first of them past a start \
               barrier to the last one's last message, as the threads \
               themselves read it. The last row, the Queue's design with nothing \
               but its lock and not a queue to use, is a `VecDeque` in a \
               `parking_lot::Mutex` with no condition and no sleep: a \
               thread that finds it empty (or full) lets go of the lock, \
               spins or gives up its core, and looks again.",
        functions: &[SYNCBOOK, CROSSBEAM, STD, POLLING],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
    report::Group {
        id: P1C1_UNBOUNDED,
        note: "As above, on unbounded queues (`Queue::new()`, \
               `crossbeam_channel::unbounded()`, `std::sync::mpsc::channel()`): \
               the producer never waits, and may run ahead of the consumer.",
        functions: &[SYNCBOOK, CROSSBEAM, STD, POLLING],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
    report::Group {
        id: P2C2_BOUNDED,
        note: "Two producers and two consumers on one queue bounded at 64, \
               each sending or receiving half the messages; time is wall time \
               per message (one iteration is one message sent and received, \
               by any of the four threads). Four busy threads share the \
               machine's cores. std's `Receiver` cannot be shared (and \
               `std::sync::mpmc` is not stable), so its two consumers share \
               one `Receiver` behind a `std::sync::Mutex`: a consumer holds \
               the mutex while it waits in `recv`, and std's row measures \
               that mutex as much as the channel.",
        functions: &[SYNCBOOK, CROSSBEAM, STD_MUTEX, POLLING],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
    report::Group {
        id: P2C2_UNBOUNDED,
        note: "As above, on unbounded queues; std's consumers again share one \
               `Receiver` behind a `Mutex`.",
        functions: &[SYNCBOOK, CROSSBEAM, STD_MUTEX, POLLING],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: CROSSBEAM,
            at_most: 1.5,
        }),
    },
];

/// The sending end of a queue, so one bench body covers every queue.
trait Put: Clone + Send {
    fn put(&self, x: u64);
}

/// The receiving end of a queue.
trait Get: Send {
    fn get(&self) -> u64;
}

impl Put for Arc<Queue<u64>> {
    fn put(&self, x: u64) {
        Queue::put(self, x);
    }
}

impl Get for Arc<Queue<u64>> {
    fn get(&self) -> u64 {
        Queue::get(self)
    }
}

impl Put for crossbeam_channel::Sender<u64> {
    fn put(&self, x: u64) {
        self.send(x).unwrap();
    }
}

impl Get for crossbeam_channel::Receiver<u64> {
    fn get(&self) -> u64 {
        self.recv().unwrap()
    }
}

impl Put for mpsc::SyncSender<u64> {
    fn put(&self, x: u64) {
        self.send(x).unwrap();
    }
}

impl Put for mpsc::Sender<u64> {
    fn put(&self, x: u64) {
        self.send(x).unwrap();
    }
}

impl Get for mpsc::Receiver<u64> {
    fn get(&self) -> u64 {
        self.recv().unwrap()
    }
}

impl Get for Arc<Mutex<mpsc::Receiver<u64>>> {
    fn get(&self) -> u64 {
        self.lock().unwrap().recv().unwrap()
    }
}

/// The one-lock design at its cheapest (the "one lock, polling" rows): a
/// `VecDeque` in a `parking_lot::Mutex`, no condition, no sleep. A thread
/// that cannot put or get lets go of the lock and tries again after a
/// pause: busy-waiting 1, 2, 4, ... 64 spins, then giving up its core each
/// time.
struct Polling {
    items: parking_lot::Mutex<VecDeque<u64>>,
    cap: usize,
}

impl Polling {
    fn new(cap: Option<usize>) -> Arc<Self> {
        Arc::new(Polling {
            items: parking_lot::Mutex::new(VecDeque::new()),
            cap: cap.unwrap_or(usize::MAX),
        })
    }
}

/// Tries `attempt` until it says it is done, pausing between tries.
fn poll(mut attempt: impl FnMut() -> bool) {
    let mut round = 0;
    while !attempt() {
        if round < 7 {
            for _ in 0..1 << round {
                std::hint::spin_loop();
            }
            round += 1;
        } else {
            thread::yield_now();
        }
    }
}

impl Put for Arc<Polling> {
    fn put(&self, x: u64) {
        poll(|| {
            let mut items = self.items.lock();
            let room = items.len() < self.cap;
            if room {
                items.push_back(x);
            }
            room
        });
    }
}

impl Get for Arc<Polling> {
    fn get(&self) -> u64 {
        let mut got = None;
        poll(|| {
            got = self.items.lock().pop_front();
            got.is_some()
        });
        got.unwrap()
    }
}

/// `n` handles on one receiving end.
fn shared<R: Clone>(rx: R, n: usize) -> Vec<R> {
    vec![rx; n]
}

/// Splits `iters` into `parts` shares, the first taking the remainder too.
fn share(iters: u64, parts: usize, i: usize) -> u64 {
    let each = iters / parts as u64;
    if i == 0 {
        iters - each * (parts as u64 - 1)
    } else {
        each
    }
}

/// `iters` messages (the numbers `0..iters`) from `producers` threads,
/// through the queue `tx`/`rxs`, to one consumer thread per receiver in
/// `rxs`; each consumer takes a fixed share, so together they take exactly
/// what was sent. Returns the wall time from all the threads starting to the
/// last one finishing.
fn throughput<P: Put, G: Get>(iters: u64, producers: usize, tx: P, rxs: Vec<G>) -> Duration {
    let consumers = rxs.len();
    let start_line = Barrier::new(producers + consumers + 1);
    let (elapsed, sum) = thread::scope(|s| {
        let start_line = &start_line;
        let mut first = 0;
        let senders: Vec<_> = (0..producers)
            .map(|i| {
                let n = share(iters, producers, i);
                let range = first..first + n;
                first += n;
                let tx = tx.clone();
                s.spawn(move || {
                    start_line.wait();
                    let start = Instant::now();
                    for x in range {
                        black_box(&tx).put(x);
                    }
                    (start, Instant::now(), 0)
                })
            })
            .collect();
        let receivers: Vec<_> = rxs
            .into_iter()
            .enumerate()
            .map(|(i, rx)| {
                let n = share(iters, consumers, i);
                s.spawn(move || {
                    start_line.wait();
                    let start = Instant::now();
                    let sum = (0..n).map(|_| black_box(&rx).get()).sum::<u64>();
                    (start, Instant::now(), sum)
                })
            })
            .collect();
        // Thread start-up is not timed: the clock runs from the first
        // thread past the start line to the last one done, as each thread
        // reads it. (Not from this thread's own clock: with more busy
        // threads than cores it may be scheduled only after the others
        // have finished.)
        start_line.wait();
        let mut times = Vec::new();
        let mut sum = 0;
        for t in senders.into_iter().chain(receivers) {
            let (start, end, part) = t.join().unwrap();
            times.push((start, end));
            sum += part;
        }
        let start = times.iter().map(|t| t.0).min().unwrap();
        let end = times.iter().map(|t| t.1).max().unwrap();
        (end - start, sum)
    });
    assert_eq!(sum, iters * iters.saturating_sub(1) / 2, "lost messages");
    elapsed
}

fn p1c1_bounded(c: &mut Criterion) {
    let mut g = c.benchmark_group(P1C1_BOUNDED);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(|iters| {
            let q = Arc::new(Queue::bounded(CAP));
            throughput(iters, 1, q.clone(), vec![q])
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = crossbeam_channel::bounded(CAP);
            throughput(iters, 1, tx, vec![rx])
        })
    });
    g.bench_function(STD, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::sync_channel(CAP);
            throughput(iters, 1, tx, vec![rx])
        })
    });
    g.bench_function(POLLING, |b| {
        b.iter_custom(|iters| {
            let q = Polling::new(Some(CAP));
            throughput(iters, 1, q.clone(), vec![q])
        })
    });
    g.finish();
}

fn p1c1_unbounded(c: &mut Criterion) {
    let mut g = c.benchmark_group(P1C1_UNBOUNDED);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(|iters| {
            let q = Arc::new(Queue::new());
            throughput(iters, 1, q.clone(), vec![q])
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = crossbeam_channel::unbounded();
            throughput(iters, 1, tx, vec![rx])
        })
    });
    g.bench_function(STD, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::channel();
            throughput(iters, 1, tx, vec![rx])
        })
    });
    g.bench_function(POLLING, |b| {
        b.iter_custom(|iters| {
            let q = Polling::new(None);
            throughput(iters, 1, q.clone(), vec![q])
        })
    });
    g.finish();
}

fn p2c2_bounded(c: &mut Criterion) {
    let mut g = c.benchmark_group(P2C2_BOUNDED);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(|iters| {
            let q = Arc::new(Queue::bounded(CAP));
            throughput(iters, 2, q.clone(), shared(q, 2))
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = crossbeam_channel::bounded(CAP);
            throughput(iters, 2, tx, shared(rx, 2))
        })
    });
    g.bench_function(STD_MUTEX, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::sync_channel(CAP);
            throughput(iters, 2, tx, shared(Arc::new(Mutex::new(rx)), 2))
        })
    });
    g.bench_function(POLLING, |b| {
        b.iter_custom(|iters| {
            let q = Polling::new(Some(CAP));
            throughput(iters, 2, q.clone(), shared(q, 2))
        })
    });
    g.finish();
}

fn p2c2_unbounded(c: &mut Criterion) {
    let mut g = c.benchmark_group(P2C2_UNBOUNDED);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(|iters| {
            let q = Arc::new(Queue::new());
            throughput(iters, 2, q.clone(), shared(q, 2))
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = crossbeam_channel::unbounded();
            throughput(iters, 2, tx, shared(rx, 2))
        })
    });
    g.bench_function(STD_MUTEX, |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::channel();
            throughput(iters, 2, tx, shared(Arc::new(Mutex::new(rx)), 2))
        })
    });
    g.bench_function(POLLING, |b| {
        b.iter_custom(|iters| {
            let q = Polling::new(None);
            throughput(iters, 2, q.clone(), shared(q, 2))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = p1c1_bounded, p1c1_unbounded, p2c2_bounded, p2c2_unbounded
}

fn main() {
    report::main("queue", benches, GROUPS, &[CROSSBEAM, POLLING]);
}
