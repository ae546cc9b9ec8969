//! The Semaphore chapter's benchmarks: `syncbook::Semaphore` and
//! `BoundedSemaphore` against `parking_lot::Mutex` and `std::sync::Mutex`
//! with no one else about, and against the classic semaphore built from
//! `Mutex<usize> + Condvar` (parking_lot's and std's) with four threads
//! sharing two permits.
//!
//! `cargo bench --bench semaphore` runs them (about 30 seconds) and writes
//! `bench-results/semaphore.md`; `cargo bench --bench semaphore -- k2` runs
//! one group only (and writes no report).

mod report;

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use syncbook::{BoundedSemaphore, Semaphore};

const UNCONTENDED: &str = "semaphore/uncontended";
const K2_4_THREADS: &str = "semaphore/k2-4-threads";

const SYNCBOOK: &str = "syncbook Semaphore";
const SYNCBOOK_BOUNDED: &str = "syncbook BoundedSemaphore";
const PARKING_LOT: &str = "parking_lot Mutex";
const STD: &str = "std Mutex";
const PARKING_LOT_CONDVAR: &str = "parking_lot Mutex+Condvar";
const STD_CONDVAR: &str = "std Mutex+Condvar";

/// Permits in the contended group, and the threads sharing them.
const PERMITS: usize = 2;
const THREADS: usize = 4;

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: UNCONTENDED,
        note: "Take and give back a free permit, one thread: `acquire(); \
               release()` (`release().unwrap()` for `BoundedSemaphore`), \
               against `drop(Mutex<()>::lock())`: with a permit free, both \
               are one atomic step in and one out.",
        functions: &[SYNCBOOK, SYNCBOOK_BOUNDED, PARKING_LOT, STD],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: PARKING_LOT,
            at_most: 1.2,
        }),
    },
    report::Group {
        id: K2_4_THREADS,
        note: "Four threads share two permits, a quarter of the rounds each; \
               a round is `acquire()`, a thread-local counter increment \
               (through `black_box`), `release()`. Time is wall time per \
               round. Neither std nor parking_lot has a semaphore, so the \
               baselines are the classic one built from their parts: a \
               `Mutex<usize>` count and a `Condvar`; acquire locks, waits \
               while the count is 0, takes one; release locks, gives one \
               back and calls `notify_one()` with the lock held.",
        functions: &[SYNCBOOK, PARKING_LOT_CONDVAR, STD_CONDVAR],
        aim: Some(report::Aim {
            function: SYNCBOOK,
            baseline: PARKING_LOT_CONDVAR,
            at_most: 1.2,
        }),
    },
];

/// A counting semaphore, so one bench body covers all three.
trait Sem: Sync {
    fn new(permits: usize) -> Self;
    fn acquire(&self);
    fn release(&self);
    /// The permits free now.
    fn value(&self) -> usize;
}

impl Sem for Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore::new(permits)
    }
    fn acquire(&self) {
        Semaphore::acquire(self);
    }
    fn release(&self) {
        Semaphore::release(self);
    }
    fn value(&self) -> usize {
        Semaphore::value(self)
    }
}

impl Sem for (parking_lot::Mutex<usize>, parking_lot::Condvar) {
    fn new(permits: usize) -> Self {
        (
            parking_lot::Mutex::new(permits),
            parking_lot::Condvar::new(),
        )
    }
    fn acquire(&self) {
        let (mutex, condvar) = self;
        let mut count = mutex.lock();
        while *count == 0 {
            condvar.wait(&mut count);
        }
        *count -= 1;
    }
    fn release(&self) {
        let (mutex, condvar) = self;
        let mut count = mutex.lock();
        *count += 1;
        condvar.notify_one();
    }
    fn value(&self) -> usize {
        *self.0.lock()
    }
}

impl Sem for (std::sync::Mutex<usize>, std::sync::Condvar) {
    fn new(permits: usize) -> Self {
        (std::sync::Mutex::new(permits), std::sync::Condvar::new())
    }
    fn acquire(&self) {
        let (mutex, condvar) = self;
        let mut count = mutex.lock().unwrap();
        while *count == 0 {
            count = condvar.wait(count).unwrap();
        }
        *count -= 1;
    }
    fn release(&self) {
        let (mutex, condvar) = self;
        let mut count = mutex.lock().unwrap();
        *count += 1;
        condvar.notify_one();
    }
    fn value(&self) -> usize {
        *self.0.lock().unwrap()
    }
}

fn uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group(UNCONTENDED);
    let sem = Semaphore::new(1);
    g.bench_function(SYNCBOOK, |b| {
        b.iter(|| {
            let sem = black_box(&sem);
            sem.acquire();
            sem.release();
        })
    });
    let sem = BoundedSemaphore::new(1);
    g.bench_function(SYNCBOOK_BOUNDED, |b| {
        b.iter(|| {
            let sem = black_box(&sem);
            sem.acquire();
            sem.release().unwrap();
        })
    });
    let mutex = parking_lot::Mutex::new(());
    g.bench_function(PARKING_LOT, |b| b.iter(|| drop(black_box(&mutex).lock())));
    let mutex = std::sync::Mutex::new(());
    g.bench_function(STD, |b| b.iter(|| drop(black_box(&mutex).lock().unwrap())));
    g.finish();
}

/// `iters` rounds of acquire, work, release on one semaphore of `PERMITS`
/// permits, split between `THREADS` threads; the wall time from all the
/// threads starting to all finishing.
fn rounds_k2_4_threads<S: Sem>(iters: u64) -> Duration {
    let sem = S::new(PERMITS);
    let start_line = Barrier::new(THREADS + 1);
    let share = iters / THREADS as u64;
    let (elapsed, done) = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|i| {
                // The first thread takes the remainder too.
                let n = if i == 0 {
                    iters - share * (THREADS as u64 - 1)
                } else {
                    share
                };
                let (sem, start_line) = (&sem, &start_line);
                s.spawn(move || {
                    start_line.wait();
                    let mut work = 0u64;
                    for _ in 0..n {
                        let sem = black_box(sem);
                        sem.acquire();
                        work = black_box(work + 1);
                        sem.release();
                    }
                    work
                })
            })
            .collect();
        // Thread start-up is not timed: the clock starts once all are up.
        start_line.wait();
        let start = Instant::now();
        let done: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
        (start.elapsed(), done)
    });
    assert_eq!(done, iters, "lost rounds");
    assert_eq!(sem.value(), PERMITS, "lost or extra permits");
    elapsed
}

fn k2_4_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group(K2_4_THREADS);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(rounds_k2_4_threads::<Semaphore>)
    });
    g.bench_function(PARKING_LOT_CONDVAR, |b| {
        b.iter_custom(rounds_k2_4_threads::<(parking_lot::Mutex<usize>, parking_lot::Condvar)>)
    });
    g.bench_function(STD_CONDVAR, |b| {
        b.iter_custom(rounds_k2_4_threads::<(std::sync::Mutex<usize>, std::sync::Condvar)>)
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = uncontended, k2_4_threads
}

fn main() {
    report::main(
        "semaphore",
        benches,
        GROUPS,
        &[PARKING_LOT, STD, PARKING_LOT_CONDVAR, STD_CONDVAR],
    );
}
