//! The Manager chapter's benchmarks: threads sharing a list or a dict
//! through `syncbook::Manager`'s proxies, against sharing it directly,
//! behind a lock: `Arc<syncbook::Value<..>>`, `Arc<parking_lot::Mutex<..>>`
//! and `Arc<std::sync::Mutex<..>>`. One more row is the manager's design
//! again, built on `crossbeam_channel`: what the same round trips cost with
//! a production channel.
//!
//! `cargo bench --bench manager` runs them (under a minute) and writes
//! `bench-results/manager.md`; `cargo bench --bench manager -- append` runs
//! some groups only (and writes no report).

mod report;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use syncbook::{DictProxy, ListProxy, Manager, Value};

const APPEND_1: &str = "manager/append-1-thread";
const APPEND_2: &str = "manager/append-2-threads";
const SET_GET_2: &str = "manager/set-get-2-threads";

const MANAGER: &str = "syncbook Manager proxy";
const CROSSBEAM: &str = "a manager on crossbeam-channel";
const VALUE: &str = "Arc<syncbook Value<..>>";
const PARKING_LOT: &str = "Arc<parking_lot Mutex<..>>";
const STD: &str = "Arc<std Mutex<..>>";

/// The keys each thread of the dict group cycles through (its own, so that
/// each `get` must find the value the same thread has just set).
const KEYS_PER_THREAD: u64 = 512;

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: APPEND_1,
        note: "One thread appends `u64`s to a list: `ListProxy::append` (one \
               request to the manager's server thread, and its answer), or \
               `push` on a `Vec<u64>` behind `syncbook::Value`, \
               `parking_lot::Mutex` or `std::sync::Mutex`, each in an `Arc`. \
               One iteration is one append; time is wall time per append. A \
               fresh manager, or a fresh empty `Vec`, for each criterion \
               sample; the threads are started once per sample, untimed: the \
               clock runs from the first of them past a start barrier to the \
               last one's last append, as the threads themselves read it. \
               The crossbeam row is the manager's design on \
               `crossbeam_channel`: a server thread owning the `Vec`, \
               requests over one `unbounded()` channel, each answer over a \
               fresh `bounded(1)` channel sent with the request.",
        functions: &[MANAGER, CROSSBEAM, VALUE, PARKING_LOT, STD],
        aim: None,
    },
    report::Group {
        id: APPEND_2,
        note: "As above, with two threads appending to the same list, each \
               half the appends; one iteration is one append, by either \
               thread. With the manager's server thread, that is three busy \
               threads on two cores.",
        functions: &[MANAGER, CROSSBEAM, VALUE, PARKING_LOT, STD],
        aim: None,
    },
    report::Group {
        id: SET_GET_2,
        note: "Two threads share a `HashMap<u64, u64>`; one iteration is one \
               `d[k] = v` followed by one `d.get(k)` (two requests to the \
               server, or two lock-and-release), by either thread. Each \
               thread cycles through 512 keys of its own, so the map stays \
               small and each `get` must find the value just set (checked).",
        functions: &[MANAGER, CROSSBEAM, VALUE, PARKING_LOT, STD],
        aim: None,
    },
];

/// A list that several threads can append to, so one bench body covers
/// every way of sharing one.
trait SharedList: Clone + Send {
    fn append(&self, x: u64);
    fn len(&self) -> usize;
}

/// A dict that several threads can set and get.
trait SharedDict: Clone + Send {
    fn set(&self, k: u64, v: u64);
    fn get(&self, k: u64) -> Option<u64>;
}

impl SharedList for ListProxy<u64> {
    fn append(&self, x: u64) {
        ListProxy::append(self, x).unwrap();
    }
    fn len(&self) -> usize {
        ListProxy::len(self).unwrap()
    }
}

impl SharedList for Arc<Value<Vec<u64>>> {
    fn append(&self, x: u64) {
        self.get_lock().push(x);
    }
    fn len(&self) -> usize {
        self.get_lock().len()
    }
}

impl SharedList for Arc<parking_lot::Mutex<Vec<u64>>> {
    fn append(&self, x: u64) {
        self.lock().push(x);
    }
    fn len(&self) -> usize {
        self.lock().len()
    }
}

impl SharedList for Arc<Mutex<Vec<u64>>> {
    fn append(&self, x: u64) {
        self.lock().unwrap().push(x);
    }
    fn len(&self) -> usize {
        self.lock().unwrap().len()
    }
}

// ANCHOR: dict_two_ways
impl SharedDict for DictProxy<u64, u64> {
    fn set(&self, k: u64, v: u64) {
        DictProxy::set(self, k, v).unwrap();
    }
    fn get(&self, k: u64) -> Option<u64> {
        DictProxy::get(self, k).unwrap()
    }
}

impl SharedDict for Arc<Value<HashMap<u64, u64>>> {
    fn set(&self, k: u64, v: u64) {
        self.get_lock().insert(k, v);
    }
    fn get(&self, k: u64) -> Option<u64> {
        self.get_lock().get(&k).copied()
    }
}
// ANCHOR_END: dict_two_ways

impl SharedDict for Arc<parking_lot::Mutex<HashMap<u64, u64>>> {
    fn set(&self, k: u64, v: u64) {
        self.lock().insert(k, v);
    }
    fn get(&self, k: u64) -> Option<u64> {
        self.lock().get(&k).copied()
    }
}

impl SharedDict for Arc<Mutex<HashMap<u64, u64>>> {
    fn set(&self, k: u64, v: u64) {
        self.lock().unwrap().insert(k, v);
    }
    fn get(&self, k: u64) -> Option<u64> {
        self.lock().unwrap().get(&k).copied()
    }
}

/// A request to [`CrossbeamManager`]'s server, with where to answer.
enum Request {
    Append(u64, crossbeam_channel::Sender<()>),
    Len(crossbeam_channel::Sender<usize>),
    Set(u64, u64, crossbeam_channel::Sender<()>),
    Get(u64, crossbeam_channel::Sender<Option<u64>>),
}

/// The Manager's design again, on `crossbeam_channel`: a server thread
/// that owns a `Vec` and a `HashMap`, and answers each request over the
/// reply channel that came with it. The server stops when every sender is
/// dropped.
#[derive(Clone)]
struct CrossbeamManager {
    inbox: crossbeam_channel::Sender<Request>,
}

impl CrossbeamManager {
    fn start() -> Self {
        let (inbox, requests) = crossbeam_channel::unbounded();
        thread::spawn(move || {
            let mut list = Vec::new();
            let mut dict = HashMap::new();
            for request in requests {
                // A failed answer means the caller is gone: nobody to tell.
                match request {
                    Request::Append(x, reply) => {
                        list.push(x);
                        let _ = reply.send(());
                    }
                    Request::Len(reply) => {
                        let _ = reply.send(list.len());
                    }
                    Request::Set(k, v, reply) => {
                        dict.insert(k, v);
                        let _ = reply.send(());
                    }
                    Request::Get(k, reply) => {
                        let _ = reply.send(dict.get(&k).copied());
                    }
                }
            }
        });
        CrossbeamManager { inbox }
    }

    /// One round trip: send `request` with a fresh reply channel, wait for
    /// the answer.
    fn call<A>(&self, request: impl FnOnce(crossbeam_channel::Sender<A>) -> Request) -> A {
        let (reply, answer) = crossbeam_channel::bounded(1);
        self.inbox.send(request(reply)).unwrap();
        answer.recv().unwrap()
    }
}

impl SharedList for CrossbeamManager {
    fn append(&self, x: u64) {
        self.call(|reply| Request::Append(x, reply));
    }
    fn len(&self) -> usize {
        self.call(Request::Len)
    }
}

impl SharedDict for CrossbeamManager {
    fn set(&self, k: u64, v: u64) {
        self.call(|reply| Request::Set(k, v, reply));
    }
    fn get(&self, k: u64) -> Option<u64> {
        self.call(|reply| Request::Get(k, reply))
    }
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

/// Runs `work(i, n)` on `threads` threads, thread `i` doing its share `n`
/// of `iters`; returns the wall time from the first thread past the start
/// line to the last one done, as the threads read it. (Not this thread's
/// own clock: with more busy threads than cores it may be scheduled only
/// after the others have finished.)
fn timed<F>(iters: u64, threads: usize, work: F) -> Duration
where
    F: Fn(usize, u64) + Sync,
{
    let start_line = Barrier::new(threads + 1);
    thread::scope(|s| {
        let (start_line, work) = (&start_line, &work);
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let n = share(iters, threads, i);
                s.spawn(move || {
                    start_line.wait();
                    let start = Instant::now();
                    work(i, n);
                    (start, Instant::now())
                })
            })
            .collect();
        start_line.wait();
        let times: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let start = times.iter().map(|t| t.0).min().unwrap();
        let end = times.iter().map(|t| t.1).max().unwrap();
        end - start
    })
}

/// `iters` appends, shared among `threads` threads, to `list`.
fn appends<L: SharedList + Sync>(iters: u64, threads: usize, list: L) -> Duration {
    let elapsed = timed(iters, threads, |_, n| {
        let list = black_box(&list);
        for x in 0..n {
            list.append(x);
        }
    });
    assert_eq!(list.len() as u64, iters, "lost appends");
    elapsed
}

/// `iters` set-then-get pairs, shared among `threads` threads, on `dict`.
fn set_gets<D: SharedDict + Sync>(iters: u64, threads: usize, dict: D) -> Duration {
    timed(iters, threads, |i, n| {
        let dict = black_box(&dict);
        let mine = i as u64 * KEYS_PER_THREAD;
        for x in 0..n {
            let k = mine + x % KEYS_PER_THREAD;
            dict.set(k, x);
            assert_eq!(dict.get(k), Some(x), "a get after my own set");
        }
    })
}

fn append_group(c: &mut Criterion, id: &str, threads: usize) {
    let mut g = c.benchmark_group(id);
    g.bench_function(MANAGER, |b| {
        b.iter_custom(|iters| {
            let manager = Manager::<u64, u64>::new();
            appends(iters, threads, manager.list())
            // The manager shuts down here, untimed.
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| appends(iters, threads, CrossbeamManager::start()))
    });
    g.bench_function(VALUE, |b| {
        b.iter_custom(|iters| appends(iters, threads, Arc::new(Value::new(Vec::new()))))
    });
    g.bench_function(PARKING_LOT, |b| {
        b.iter_custom(|iters| {
            appends(
                iters,
                threads,
                Arc::new(parking_lot::Mutex::new(Vec::new())),
            )
        })
    });
    g.bench_function(STD, |b| {
        b.iter_custom(|iters| appends(iters, threads, Arc::new(Mutex::new(Vec::new()))))
    });
    g.finish();
}

fn append_1(c: &mut Criterion) {
    append_group(c, APPEND_1, 1);
}

fn append_2(c: &mut Criterion) {
    append_group(c, APPEND_2, 2);
}

fn set_get_2(c: &mut Criterion) {
    let mut g = c.benchmark_group(SET_GET_2);
    g.bench_function(MANAGER, |b| {
        b.iter_custom(|iters| {
            let manager = Manager::<u64, u64>::new();
            set_gets(iters, 2, manager.dict())
        })
    });
    g.bench_function(CROSSBEAM, |b| {
        b.iter_custom(|iters| set_gets(iters, 2, CrossbeamManager::start()))
    });
    g.bench_function(VALUE, |b| {
        b.iter_custom(|iters| set_gets(iters, 2, Arc::new(Value::new(HashMap::new()))))
    });
    g.bench_function(PARKING_LOT, |b| {
        b.iter_custom(|iters| set_gets(iters, 2, Arc::new(parking_lot::Mutex::new(HashMap::new()))))
    });
    g.bench_function(STD, |b| {
        b.iter_custom(|iters| set_gets(iters, 2, Arc::new(Mutex::new(HashMap::new()))))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = append_1, append_2, set_get_2
}

fn main() {
    report::main("manager", benches, GROUPS, &[VALUE, PARKING_LOT]);
}
