//! The Condition chapter's benchmarks: a one-slot hand-off built on
//! `syncbook::Condition`, against the same algorithm on
//! `parking_lot::{Mutex, Condvar}` and `std::sync::{Mutex, Condvar}`.
//!
//! `cargo bench --bench condition` runs them (about 15 seconds) and writes
//! `bench-results/condition.md`; `cargo bench --bench condition -- std` runs
//! one implementation only (and writes no report).

mod report;

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use syncbook::Condition;

const PING_PONG: &str = "condition/ping-pong";

const SYNCBOOK: &str = "syncbook Condition";
const PARKING_LOT: &str = "parking_lot Mutex+Condvar";
const STD: &str = "std Mutex+Condvar";

const GROUPS: &[report::Group<'static>] = &[report::Group {
    id: PING_PONG,
    note: "Two threads hand a number back and forth through a one-slot box \
           (`Option<u64>` under the lock): one puts when the slot is empty, \
           the other takes when it is full; each waits in a `while` loop on \
           the condition variable and calls `notify_one()` (`notify(1)` for \
           syncbook) after changing the slot, with the lock held. Time is \
           wall time per hand-off (one put and its take).",
    functions: &[SYNCBOOK, PARKING_LOT, STD],
    aim: Some(report::Aim {
        function: SYNCBOOK,
        baseline: PARKING_LOT,
        at_most: 1.5,
    }),
}];

/// A one-slot box two threads pass numbers through, so one bench body
/// covers all three condition variables.
trait Slot: Sync {
    fn new() -> Self;
    /// Waits while the slot is full, then fills it and notifies one waiter.
    fn put(&self, x: u64);
    /// Waits while the slot is empty, then empties it and notifies one waiter.
    fn take(&self) -> u64;
}

impl Slot for Condition<Option<u64>> {
    fn new() -> Self {
        Condition::with_value(None)
    }
    fn put(&self, x: u64) {
        let mut slot = self.guard();
        self.wait_for(&mut slot, |s| s.is_none());
        *slot = Some(x);
        self.notify(1);
    }
    fn take(&self) -> u64 {
        let mut slot = self.guard();
        self.wait_for(&mut slot, |s| s.is_some());
        let x = slot.take().unwrap();
        self.notify(1);
        x
    }
}

impl Slot for (parking_lot::Mutex<Option<u64>>, parking_lot::Condvar) {
    fn new() -> Self {
        (parking_lot::Mutex::new(None), parking_lot::Condvar::new())
    }
    fn put(&self, x: u64) {
        let (mutex, condvar) = self;
        let mut slot = mutex.lock();
        while slot.is_some() {
            condvar.wait(&mut slot);
        }
        *slot = Some(x);
        condvar.notify_one();
    }
    fn take(&self) -> u64 {
        let (mutex, condvar) = self;
        let mut slot = mutex.lock();
        while slot.is_none() {
            condvar.wait(&mut slot);
        }
        let x = slot.take().unwrap();
        condvar.notify_one();
        x
    }
}

impl Slot for (std::sync::Mutex<Option<u64>>, std::sync::Condvar) {
    fn new() -> Self {
        (std::sync::Mutex::new(None), std::sync::Condvar::new())
    }
    fn put(&self, x: u64) {
        let (mutex, condvar) = self;
        let mut slot = mutex.lock().unwrap();
        while slot.is_some() {
            slot = condvar.wait(slot).unwrap();
        }
        *slot = Some(x);
        condvar.notify_one();
    }
    fn take(&self) -> u64 {
        let (mutex, condvar) = self;
        let mut slot = mutex.lock().unwrap();
        while slot.is_none() {
            slot = condvar.wait(slot).unwrap();
        }
        let x = slot.take().unwrap();
        condvar.notify_one();
        x
    }
}

/// `iters` hand-offs from one thread to another through one slot; the wall
/// time from both threads starting to both finishing.
fn ping_pong<S: Slot>(iters: u64) -> Duration {
    let slot = S::new();
    let start_line = Barrier::new(3);
    let (elapsed, sum) = thread::scope(|s| {
        let (slot, start_line) = (&slot, &start_line);
        let pinger = s.spawn(move || {
            start_line.wait();
            for i in 0..iters {
                black_box(slot).put(i);
            }
        });
        let ponger = s.spawn(move || {
            start_line.wait();
            (0..iters).map(|_| black_box(slot).take()).sum::<u64>()
        });
        // Thread start-up is not timed: the clock starts once both are up.
        start_line.wait();
        let start = Instant::now();
        pinger.join().unwrap();
        let sum = ponger.join().unwrap();
        (start.elapsed(), sum)
    });
    assert_eq!(sum, iters * iters.saturating_sub(1) / 2, "lost hand-offs");
    elapsed
}

fn ping_pong_group(c: &mut Criterion) {
    let mut g = c.benchmark_group(PING_PONG);
    g.bench_function(SYNCBOOK, |b| {
        b.iter_custom(ping_pong::<Condition<Option<u64>>>)
    });
    g.bench_function(PARKING_LOT, |b| {
        b.iter_custom(ping_pong::<(parking_lot::Mutex<Option<u64>>, parking_lot::Condvar)>)
    });
    g.bench_function(STD, |b| {
        b.iter_custom(ping_pong::<(std::sync::Mutex<Option<u64>>, std::sync::Condvar)>)
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = ping_pong_group
}

fn main() {
    report::main("condition", benches, GROUPS, &[PARKING_LOT, STD]);
}
