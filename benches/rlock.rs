//! The RLock chapter's benchmarks: `syncbook::RLock` against
//! `parking_lot::ReentrantMutex`, with the plain locks (`syncbook::Lock`,
//! `parking_lot::Mutex`) for reference.
//!
//! `cargo bench --bench rlock` runs them (about 20 seconds) and writes
//! `bench-results/rlock.md`; `cargo bench --bench rlock -- reentrant` runs
//! one group only (and writes no report).

mod report;

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use syncbook::{Lock, RLock};

const UNCONTENDED: &str = "rlock/uncontended";
const REENTRANT: &str = "rlock/reentrant-uncontended";

const SYNCBOOK_RLOCK: &str = "syncbook RLock";
const PARKING_LOT_RE: &str = "parking_lot ReentrantMutex";
const SYNCBOOK_LOCK: &str = "syncbook Lock";
const PARKING_LOT: &str = "parking_lot Mutex";

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: REENTRANT,
        note: "Take a free lock, take it again (re-entry), release twice, one \
               thread: `acquire(); acquire(); release(); release()`, \
               `let a = m.lock(); let b = m.lock(); drop(b); drop(a)`.",
        functions: &[SYNCBOOK_RLOCK, PARKING_LOT_RE],
        aim: Some(report::Aim {
            function: SYNCBOOK_RLOCK,
            baseline: PARKING_LOT_RE,
            at_most: 1.2,
        }),
    },
    report::Group {
        id: UNCONTENDED,
        note: "Take and give back a free lock once, one thread (a first acquire, \
               no re-entry): `acquire(); release().unwrap()`, \
               `drop(ReentrantMutex<()>::lock())`; the plain locks, \
               `syncbook::Lock` and `parking_lot::Mutex<()>`, for reference.",
        functions: &[SYNCBOOK_RLOCK, PARKING_LOT_RE, SYNCBOOK_LOCK, PARKING_LOT],
        aim: None,
    },
];

fn reentrant(c: &mut Criterion) {
    let mut g = c.benchmark_group(REENTRANT);
    let rlock = RLock::new();
    g.bench_function(SYNCBOOK_RLOCK, |b| {
        b.iter(|| {
            let rlock = black_box(&rlock);
            rlock.acquire();
            rlock.acquire();
            rlock.release().unwrap();
            rlock.release().unwrap();
        })
    });
    let remutex = parking_lot::ReentrantMutex::new(());
    g.bench_function(PARKING_LOT_RE, |b| {
        b.iter(|| {
            let m = black_box(&remutex);
            let a = m.lock();
            let b = m.lock();
            drop(b);
            drop(a);
        })
    });
    g.finish();
}

fn uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group(UNCONTENDED);
    let rlock = RLock::new();
    g.bench_function(SYNCBOOK_RLOCK, |b| {
        b.iter(|| {
            let rlock = black_box(&rlock);
            rlock.acquire();
            rlock.release().unwrap();
        })
    });
    let remutex = parking_lot::ReentrantMutex::new(());
    g.bench_function(PARKING_LOT_RE, |b| {
        b.iter(|| drop(black_box(&remutex).lock()))
    });
    let lock = Lock::new();
    g.bench_function(SYNCBOOK_LOCK, |b| {
        b.iter(|| {
            let lock = black_box(&lock);
            lock.acquire();
            lock.release().unwrap();
        })
    });
    let mutex = parking_lot::Mutex::new(());
    g.bench_function(PARKING_LOT, |b| b.iter(|| drop(black_box(&mutex).lock())));
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = reentrant, uncontended
}

fn main() {
    report::main("rlock", benches, GROUPS, &[PARKING_LOT_RE]);
}
