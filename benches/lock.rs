//! The Lock chapter's benchmarks: `syncbook::Lock` (and `Value`, built on
//! it) against `parking_lot::Mutex` and `std::sync::Mutex`.
//!
//! `cargo bench --bench lock` runs them (about a minute) and writes
//! `bench-results/lock.md`; `cargo bench --bench lock -- contended` runs one
//! group only (and writes no report).

mod report;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use syncbook::{Lock, Value};

const UNCONTENDED: &str = "lock/uncontended";
const INCREMENT: &str = "lock/uncontended-increment";
const CONTENDED: &str = "lock/contended-2-threads";

const SYNCBOOK_LOCK: &str = "syncbook Lock";
const SYNCBOOK_GUARD: &str = "syncbook Lock guard";
const SYNCBOOK_VALUE: &str = "syncbook Value";
const PARKING_LOT: &str = "parking_lot Mutex";
const STD: &str = "std Mutex";

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: UNCONTENDED,
        note: "Take and give back a free lock, one thread: `acquire(); \
               release().unwrap()`, `drop(guard())`, `drop(Mutex<()>::lock())`.",
        functions: &[SYNCBOOK_LOCK, SYNCBOOK_GUARD, PARKING_LOT, STD],
        aim: Some(report::Aim {
            function: SYNCBOOK_LOCK,
            baseline: PARKING_LOT,
            at_most: 1.1,
        }),
    },
    report::Group {
        id: INCREMENT,
        note: "`counter += 1` under a free lock, one thread: `*value.get_lock() += 1` \
               on a `Value<u64>`, `*mutex.lock() += 1` on a `Mutex<u64>`.",
        functions: &[SYNCBOOK_VALUE, PARKING_LOT, STD],
        aim: None,
    },
    report::Group {
        id: CONTENDED,
        note: "Two threads increment one shared counter under the lock, half of \
               the increments each; time is wall time per increment.",
        functions: &[SYNCBOOK_VALUE, PARKING_LOT, STD],
        // No aim: two threads on two cores swing too much from run to run
        // for a ranking (the chapter says to read it as an order of
        // magnitude).
        aim: None,
    },
];

/// A `u64` behind a lock, so one bench body covers all three locks.
trait Counter: Sync {
    fn new() -> Self;
    fn increment(&self);
    fn into_inner(self) -> u64;
}

impl Counter for Value<u64> {
    fn new() -> Self {
        Value::new(0)
    }
    fn increment(&self) {
        *self.get_lock() += 1;
    }
    fn into_inner(self) -> u64 {
        Value::into_inner(self)
    }
}

impl Counter for parking_lot::Mutex<u64> {
    fn new() -> Self {
        parking_lot::Mutex::new(0)
    }
    fn increment(&self) {
        *self.lock() += 1;
    }
    fn into_inner(self) -> u64 {
        parking_lot::Mutex::into_inner(self)
    }
}

impl Counter for std::sync::Mutex<u64> {
    fn new() -> Self {
        std::sync::Mutex::new(0)
    }
    fn increment(&self) {
        *self.lock().unwrap() += 1;
    }
    fn into_inner(self) -> u64 {
        std::sync::Mutex::into_inner(self).unwrap()
    }
}

fn uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group(UNCONTENDED);
    let lock = Lock::new();
    g.bench_function(SYNCBOOK_LOCK, |b| {
        b.iter(|| {
            let lock = black_box(&lock);
            lock.acquire();
            lock.release().unwrap();
        })
    });
    g.bench_function(SYNCBOOK_GUARD, |b| {
        b.iter(|| drop(black_box(&lock).guard()))
    });
    let mutex = parking_lot::Mutex::new(());
    g.bench_function(PARKING_LOT, |b| b.iter(|| drop(black_box(&mutex).lock())));
    let mutex = std::sync::Mutex::new(());
    g.bench_function(STD, |b| b.iter(|| drop(black_box(&mutex).lock().unwrap())));
    g.finish();
}

fn increment<C: Counter>(b: &mut criterion::Bencher<'_>) {
    let counter = C::new();
    b.iter(|| black_box(&counter).increment());
}

fn uncontended_increment(c: &mut Criterion) {
    let mut g = c.benchmark_group(INCREMENT);
    g.bench_function(SYNCBOOK_VALUE, increment::<Value<u64>>);
    g.bench_function(PARKING_LOT, increment::<parking_lot::Mutex<u64>>);
    g.bench_function(STD, increment::<std::sync::Mutex<u64>>);
    g.finish();
}

/// `iters` increments of one counter, split between two threads; the wall
/// time from both threads starting to both finishing.
fn increment_two_threads<C: Counter>(iters: u64) -> Duration {
    let counter = C::new();
    let elapsed = report::two_threads(iters, || black_box(&counter).increment());
    assert_eq!(counter.into_inner(), iters, "lost increments");
    elapsed
}

fn contended(c: &mut Criterion) {
    let mut g = c.benchmark_group(CONTENDED);
    g.bench_function(SYNCBOOK_VALUE, |b| {
        b.iter_custom(increment_two_threads::<Value<u64>>)
    });
    g.bench_function(PARKING_LOT, |b| {
        b.iter_custom(increment_two_threads::<parking_lot::Mutex<u64>>)
    });
    g.bench_function(STD, |b| {
        b.iter_custom(increment_two_threads::<std::sync::Mutex<u64>>)
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = uncontended, uncontended_increment, contended
}

fn main() {
    report::main("lock", benches, GROUPS, &[PARKING_LOT, STD]);
}
