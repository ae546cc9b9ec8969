//! Where the contended benchmarks' time goes: how often the threads sleep.
//!
//! A wait that ends in a sleep costs a system call to sleep, another to
//! wake, and on a virtual machine tens of microseconds before the woken
//! thread runs again; a wait that ends while the thread still spins costs
//! none of that, but keeps a core busy and the shared state moving between
//! the cores' caches. The chapters' "How fast" sections explain their
//! slowest rows with this table: the same workloads as the benches, each
//! with the time per operation and the number of times its threads went to
//! sleep (voluntary context switches, which Linux counts per thread in
//! `/proc/thread-self/status`: a thread that blocks; a thread that only
//! gives up its core and stays runnable is not counted).
//!
//! Prints the table (Markdown, with an mdBook anchor per workload, so that
//! each chapter includes only its own rows); `cargo xtask measure` writes it
//! to `examples/sleeps.md`. Measure a release build.
//!
//! ```text
//! cargo run --release --example sleeps
//! ```

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use syncbook::{Queue, Semaphore};

/// Operations per run of each workload, and runs (the median is shown).
const OPS: u64 = 2_000_000;
const RUNS: usize = 5;

/// What one run measured: its wall time and its threads' sleeps and
/// switches away.
#[derive(Clone, Copy)]
struct Run {
    time: Duration,
    sleeps: Option<u64>,
    switched: Option<u64>,
}

/// This thread's context switches so far (Linux): voluntary (it blocked:
/// slept) and not (it was switched out while runnable: it gave up its
/// core to another thread, or its time ran out). `None` where the system
/// does not count them for us.
fn switches_of_this_thread() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    let count = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some((
        count("voluntary_ctxt_switches:")?,
        count("nonvoluntary_ctxt_switches:")?,
    ))
}

/// Runs `work` on each of `threads` threads at once (thread `i` gets `i`),
/// and returns the wall time and the sleeps of all of them.
fn run_threads(threads: usize, work: impl Fn(usize) + Sync) -> Run {
    let start = Instant::now();
    let counts: Vec<Option<(u64, u64)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let work = &work;
                s.spawn(move || {
                    let before = switches_of_this_thread();
                    work(i);
                    let (after, before) = (switches_of_this_thread()?, before?);
                    Some((after.0 - before.0, after.1 - before.1))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let time = start.elapsed();
    let counts: Option<Vec<(u64, u64)>> = counts.into_iter().collect();
    Run {
        time,
        sleeps: counts.as_ref().map(|c| c.iter().map(|c| c.0).sum()),
        switched: counts.as_ref().map(|c| c.iter().map(|c| c.1).sum()),
    }
}

// ANCHOR: semaphore
/// Four threads share two permits: `acquire`, a step of work, `release`.
fn semaphore_syncbook() -> Run {
    let sem = Semaphore::new(2);
    run_threads(4, |_| {
        for _ in 0..OPS / 4 {
            sem.acquire();
            black_box(());
            sem.release();
        }
    })
}

/// The bench's baseline: a count in a `parking_lot::Mutex`, and a
/// `Condvar` to wait on while it is 0.
fn semaphore_parking_lot() -> Run {
    let count = parking_lot::Mutex::new(2usize);
    let freed = parking_lot::Condvar::new();
    run_threads(4, |_| {
        for _ in 0..OPS / 4 {
            let mut n = count.lock();
            while *n == 0 {
                freed.wait(&mut n);
            }
            *n -= 1;
            drop(n);
            black_box(());
            *count.lock() += 1;
            freed.notify_one();
        }
    })
}
// ANCHOR_END: semaphore

/// `producers` threads put `OPS` numbers in all, `consumers` threads take
/// them, through a queue bounded at 64.
fn queue_syncbook(producers: usize, consumers: usize) -> Run {
    let queue = Queue::bounded(64);
    run_threads(producers + consumers, |i| {
        if i < producers {
            for n in 0..OPS / producers as u64 {
                queue.put(n);
            }
        } else {
            for _ in 0..OPS / consumers as u64 {
                black_box(queue.get());
            }
        }
    })
}

fn queue_crossbeam(producers: usize, consumers: usize) -> Run {
    let (tx, rx) = crossbeam_channel::bounded(64);
    run_threads(producers + consumers, |i| {
        if i < producers {
            for n in 0..OPS / producers as u64 {
                tx.send(n).unwrap();
            }
        } else {
            for _ in 0..OPS / consumers as u64 {
                black_box(rx.recv().unwrap());
            }
        }
    })
}

/// One thread sends a number and waits for it to come back from an echo.
fn round_trips_syncbook() -> Run {
    let (here, there) = syncbook::pipe::<u64>();
    let trips = OPS / 20;
    run_threads(2, |i| {
        if i == 0 {
            for n in 0..trips {
                here.send(n).unwrap();
                assert_eq!(here.recv().unwrap(), n);
            }
        } else {
            for _ in 0..trips {
                there.send(there.recv().unwrap()).unwrap();
            }
        }
    })
}

fn round_trips_crossbeam() -> Run {
    let (to_echo, echo_in) = crossbeam_channel::unbounded::<u64>();
    let (echo_out, back) = crossbeam_channel::unbounded::<u64>();
    let trips = OPS / 20;
    run_threads(2, |i| {
        if i == 0 {
            for n in 0..trips {
                to_echo.send(n).unwrap();
                assert_eq!(back.recv().unwrap(), n);
            }
        } else {
            for _ in 0..trips {
                echo_out.send(echo_in.recv().unwrap()).unwrap();
            }
        }
    })
}

/// The run with the median time of `RUNS`, the ways taken in turns.
fn medians(ways: &[&dyn Fn() -> Run]) -> Vec<Run> {
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); ways.len()];
    for _ in 0..RUNS {
        for (runs, way) in runs.iter_mut().zip(ways) {
            runs.push(way());
        }
    }
    runs.into_iter()
        .map(|mut r| {
            r.sort_by_key(|run| run.time);
            r[RUNS / 2]
        })
        .collect()
}

fn rows(anchor: &str, what: &str, ops: u64, names: &[&str], ways: &[&dyn Fn() -> Run]) -> String {
    let mut out = format!("<!-- ANCHOR: {anchor} -->\n\n{what}\n\n");
    out += "| implementation | time per operation | sleeps per 1,000 operations | switched out, runnable, per 1,000 |\n";
    out += "|---|---:|---:|---:|\n";
    for (name, run) in names.iter().zip(medians(ways)) {
        let per_op = run.time.as_nanos() as f64 / ops as f64;
        let per_1000 = |count: Option<u64>| {
            count.map_or("–".to_string(), |c| {
                format!("{:.1}", c as f64 * 1000.0 / ops as f64)
            })
        };
        let (sleeps, switched) = (per_1000(run.sleeps), per_1000(run.switched));
        out += &format!("| {name} | {per_op:.0} ns | {sleeps} | {switched} |\n");
    }
    out + &format!("\n<!-- ANCHOR_END: {anchor} -->\n")
}

fn main() {
    let mut text = format!(
        "Written by `cargo run --release --example sleeps`: each workload run \
         {RUNS} times, the ways in turns; the run with the median time is \
         shown, with how often its threads slept (voluntary context switches, \
         as Linux counts them) and how often they were switched out while \
         runnable (the others: a thread that gave up its core with a yield, \
         or whose time ran out).\n\n"
    );
    text += &rows(
        "semaphore",
        "Four threads share two permits, as in the bench `semaphore/k2-4-threads`; \
         an operation is one `acquire` and one `release`.",
        OPS,
        &["syncbook Semaphore", "parking_lot Mutex+Condvar"],
        &[&semaphore_syncbook, &semaphore_parking_lot],
    );
    text += "\n";
    text += &rows(
        "queue",
        "One producer and one consumer, then two of each, on a queue bounded at 64, \
         as in the benches `queue/1p1c-bounded64` and `queue/2p2c-bounded64`; an \
         operation is one item put and taken.",
        OPS,
        &[
            "syncbook Queue, 1 + 1 threads",
            "crossbeam-channel, 1 + 1 threads",
            "syncbook Queue, 2 + 2 threads",
            "crossbeam-channel, 2 + 2 threads",
        ],
        &[
            &|| queue_syncbook(1, 1),
            &|| queue_crossbeam(1, 1),
            &|| queue_syncbook(2, 2),
            &|| queue_crossbeam(2, 2),
        ],
    );
    text += "\n";
    text += &rows(
        "pipe",
        "A round trip through a pipe, as in the bench `pipe/round-trip`; an \
         operation is one number there and back.",
        OPS / 20,
        &["syncbook pipe", "crossbeam-channel, two channels"],
        &[&round_trips_syncbook, &round_trips_crossbeam],
    );
    print!("{text}");
}
