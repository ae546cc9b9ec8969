//! The Value chapter's benchmarks: `syncbook::Value<u64>` and `Array<u64>`
//! against what a Rust program would use for the same job: an `AtomicU64`
//! for one shared number, a `parking_lot::Mutex` around a `u64` or a
//! `Vec<u64>`, and a `Vec<AtomicU64>` (one `AtomicU64` per item) for a shared array of numbers.
//!
//! `cargo bench --bench value` runs them and writes `bench-results/value.md`;
//! `cargo bench --bench value -- array` runs the array groups only (and
//! writes no report).

mod report;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use syncbook::{Array, Value};

const GET: &str = "value/get";
const SET: &str = "value/set";
const INCREMENT: &str = "value/increment";
const CONTENDED: &str = "value/increment-2-threads";
const ARRAY_GET: &str = "array/get";
const ARRAY_SET: &str = "array/set";

const SYNCBOOK_VALUE: &str = "syncbook Value";
const SYNCBOOK_ARRAY: &str = "syncbook Array";
const ATOMIC: &str = "AtomicU64";
const ATOMICS: &str = "AtomicU64 per item";
const PARKING_LOT: &str = "parking_lot Mutex";

/// Items in the benched arrays; each iteration reads or writes the next one.
const LEN: usize = 64;

const GROUPS: &[report::Group<'static>] = &[
    report::Group {
        id: GET,
        note: "Read one shared `u64`, one thread: `value.get()`, \
               `atomic.load(Acquire)`, `*mutex.lock()`.",
        functions: &[SYNCBOOK_VALUE, ATOMIC, PARKING_LOT],
        aim: None,
    },
    report::Group {
        id: SET,
        note: "Write one shared `u64`, one thread: `value.set(x)`, \
               `atomic.store(x, Release)`, `*mutex.lock() = x`.",
        functions: &[SYNCBOOK_VALUE, ATOMIC, PARKING_LOT],
        aim: None,
    },
    report::Group {
        id: INCREMENT,
        note: "`counter += 1` without losing an update, one thread: \
               `*value.get_lock() += 1`, `atomic.fetch_add(1, AcqRel)`, \
               `*mutex.lock() += 1`.",
        functions: &[SYNCBOOK_VALUE, ATOMIC, PARKING_LOT],
        aim: None,
    },
    report::Group {
        id: CONTENDED,
        note: "Two threads increment one shared counter, half of the \
               increments each, as above; time is wall time per increment.",
        functions: &[SYNCBOOK_VALUE, ATOMIC, PARKING_LOT],
        aim: None,
    },
    report::Group {
        id: ARRAY_GET,
        note: "Read one item of a shared array of 64 `u64`s, the next index \
               each time, one thread: `array.get(i)`, `atomics[i].load(Acquire)` on a \
               `Vec<AtomicU64>`, \
               `mutex.lock()[i]` on a `Mutex<Vec<u64>>`.",
        functions: &[SYNCBOOK_ARRAY, ATOMICS, PARKING_LOT],
        aim: None,
    },
    report::Group {
        id: ARRAY_SET,
        note: "Write one item of a shared array of 64 `u64`s, the next index \
               each time, one thread: `array.set(i, x)`, \
               `atomics[i].store(x, Release)`, `mutex.lock()[i] = x`.",
        functions: &[SYNCBOOK_ARRAY, ATOMICS, PARKING_LOT],
        aim: None,
    },
];

/// One shared `u64`, so one bench body covers all three.
trait Number: Sync {
    fn new() -> Self;
    fn get(&self) -> u64;
    fn set(&self, x: u64);
    fn increment(&self);
    fn into_inner(self) -> u64;
}

impl Number for Value<u64> {
    fn new() -> Self {
        Value::new(0)
    }
    fn get(&self) -> u64 {
        Value::get(self)
    }
    fn set(&self, x: u64) {
        Value::set(self, x)
    }
    fn increment(&self) {
        *self.get_lock() += 1;
    }
    fn into_inner(self) -> u64 {
        Value::into_inner(self)
    }
}

impl Number for AtomicU64 {
    fn new() -> Self {
        AtomicU64::new(0)
    }
    fn get(&self) -> u64 {
        self.load(Ordering::Acquire)
    }
    fn set(&self, x: u64) {
        self.store(x, Ordering::Release)
    }
    fn increment(&self) {
        self.fetch_add(1, Ordering::AcqRel);
    }
    fn into_inner(self) -> u64 {
        AtomicU64::into_inner(self)
    }
}

impl Number for parking_lot::Mutex<u64> {
    fn new() -> Self {
        parking_lot::Mutex::new(0)
    }
    fn get(&self) -> u64 {
        *self.lock()
    }
    fn set(&self, x: u64) {
        *self.lock() = x;
    }
    fn increment(&self) {
        *self.lock() += 1;
    }
    fn into_inner(self) -> u64 {
        parking_lot::Mutex::into_inner(self)
    }
}

/// A shared array of `LEN` `u64`s.
trait Numbers: Sync {
    fn new() -> Self;
    fn get(&self, i: usize) -> u64;
    fn set(&self, i: usize, x: u64);
}

impl Numbers for Array<u64> {
    fn new() -> Self {
        Array::new(vec![0; LEN])
    }
    fn get(&self, i: usize) -> u64 {
        Array::get(self, i).unwrap()
    }
    fn set(&self, i: usize, x: u64) {
        Array::set(self, i, x).unwrap()
    }
}

impl Numbers for Vec<AtomicU64> {
    fn new() -> Self {
        (0..LEN).map(|_| AtomicU64::new(0)).collect()
    }
    fn get(&self, i: usize) -> u64 {
        self[i].load(Ordering::Acquire)
    }
    fn set(&self, i: usize, x: u64) {
        self[i].store(x, Ordering::Release)
    }
}

impl Numbers for parking_lot::Mutex<Vec<u64>> {
    fn new() -> Self {
        parking_lot::Mutex::new(vec![0; LEN])
    }
    fn get(&self, i: usize) -> u64 {
        self.lock()[i]
    }
    fn set(&self, i: usize, x: u64) {
        self.lock()[i] = x;
    }
}

fn get<N: Number>(b: &mut criterion::Bencher<'_>) {
    let n = N::new();
    b.iter(|| black_box(&n).get());
}

fn set<N: Number>(b: &mut criterion::Bencher<'_>) {
    let n = N::new();
    let mut x = 0u64;
    b.iter(|| {
        x = x.wrapping_add(1);
        black_box(&n).set(black_box(x));
    });
}

fn increment<N: Number>(b: &mut criterion::Bencher<'_>) {
    let n = N::new();
    b.iter(|| black_box(&n).increment());
}

/// `iters` increments of one counter, split between two threads; the wall
/// time from both threads starting to both finishing.
fn increment_two_threads<N: Number>(iters: u64) -> Duration {
    let counter = N::new();
    let elapsed = report::two_threads(iters, || black_box(&counter).increment());
    assert_eq!(counter.into_inner(), iters, "lost increments");
    elapsed
}

fn array_get<A: Numbers>(b: &mut criterion::Bencher<'_>) {
    let a = A::new();
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % LEN;
        black_box(&a).get(black_box(i))
    });
}

fn array_set<A: Numbers>(b: &mut criterion::Bencher<'_>) {
    let a = A::new();
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % LEN;
        black_box(&a).set(black_box(i), black_box(i as u64));
    });
}

fn value(c: &mut Criterion) {
    let mut g = c.benchmark_group(GET);
    g.bench_function(SYNCBOOK_VALUE, get::<Value<u64>>);
    g.bench_function(ATOMIC, get::<AtomicU64>);
    g.bench_function(PARKING_LOT, get::<parking_lot::Mutex<u64>>);
    g.finish();

    let mut g = c.benchmark_group(SET);
    g.bench_function(SYNCBOOK_VALUE, set::<Value<u64>>);
    g.bench_function(ATOMIC, set::<AtomicU64>);
    g.bench_function(PARKING_LOT, set::<parking_lot::Mutex<u64>>);
    g.finish();

    let mut g = c.benchmark_group(INCREMENT);
    g.bench_function(SYNCBOOK_VALUE, increment::<Value<u64>>);
    g.bench_function(ATOMIC, increment::<AtomicU64>);
    g.bench_function(PARKING_LOT, increment::<parking_lot::Mutex<u64>>);
    g.finish();

    let mut g = c.benchmark_group(CONTENDED);
    g.bench_function(SYNCBOOK_VALUE, |b| {
        b.iter_custom(increment_two_threads::<Value<u64>>)
    });
    g.bench_function(ATOMIC, |b| {
        b.iter_custom(increment_two_threads::<AtomicU64>)
    });
    g.bench_function(PARKING_LOT, |b| {
        b.iter_custom(increment_two_threads::<parking_lot::Mutex<u64>>)
    });
    g.finish();
}

fn array(c: &mut Criterion) {
    let mut g = c.benchmark_group(ARRAY_GET);
    g.bench_function(SYNCBOOK_ARRAY, array_get::<Array<u64>>);
    g.bench_function(ATOMICS, array_get::<Vec<AtomicU64>>);
    g.bench_function(PARKING_LOT, array_get::<parking_lot::Mutex<Vec<u64>>>);
    g.finish();

    let mut g = c.benchmark_group(ARRAY_SET);
    g.bench_function(SYNCBOOK_ARRAY, array_set::<Array<u64>>);
    g.bench_function(ATOMICS, array_set::<Vec<AtomicU64>>);
    g.bench_function(PARKING_LOT, array_set::<parking_lot::Mutex<Vec<u64>>>);
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = value, array
}

fn main() {
    report::main("value", benches, GROUPS, &[PARKING_LOT]);
}
