//! The Barrier chapter's benchmark: two threads passing a barrier round
//! after round, `syncbook::Barrier` against `std::sync::Barrier`.
//!
//! `cargo bench --bench barrier` runs it (a few seconds) and writes
//! `bench-results/barrier.md`; `cargo bench --bench barrier -- std` runs
//! one implementation only (and writes no report).

mod report;

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};

const ROUNDS: &str = "barrier/2-threads";

const SYNCBOOK: &str = "syncbook Barrier";
const STD: &str = "std Barrier";

const GROUPS: &[report::Group<'static>] = &[report::Group {
    id: ROUNDS,
    note: "Two threads meet at one barrier for two, round after round: each \
           calls `wait()` once per round and goes straight on to the next. \
           One iteration is one round (both threads through the barrier); \
           time is wall time per round. The threads are started once per \
           criterion sample, untimed: the clock starts once both are past \
           a start line.",
    functions: &[SYNCBOOK, STD],
    aim: None,
}];

/// A barrier for two, so one bench body covers both.
trait Meet: Sync {
    fn for_two() -> Self;
    fn meet(&self);
}

impl Meet for syncbook::Barrier {
    fn for_two() -> Self {
        syncbook::Barrier::new(2)
    }
    fn meet(&self) {
        self.wait().unwrap();
    }
}

impl Meet for std::sync::Barrier {
    fn for_two() -> Self {
        std::sync::Barrier::new(2)
    }
    fn meet(&self) {
        self.wait();
    }
}

/// `iters` rounds of two threads meeting at a barrier `B`; the wall time
/// from both threads being up to both finishing.
fn rounds<B: Meet>(iters: u64) -> Duration {
    let barrier = B::for_two();
    let start_line = std::sync::Barrier::new(2);
    thread::scope(|s| {
        let (barrier, start_line) = (&barrier, &start_line);
        let other = s.spawn(move || {
            start_line.wait();
            for _ in 0..iters {
                black_box(barrier).meet();
            }
        });
        // Thread start-up is not timed: the clock starts once both are up.
        start_line.wait();
        let start = Instant::now();
        for _ in 0..iters {
            black_box(barrier).meet();
        }
        other.join().unwrap();
        start.elapsed()
    })
}

fn rounds_group(c: &mut Criterion) {
    let mut g = c.benchmark_group(ROUNDS);
    g.bench_function(SYNCBOOK, |b| b.iter_custom(rounds::<syncbook::Barrier>));
    g.bench_function(STD, |b| b.iter_custom(rounds::<std::sync::Barrier>));
    g.finish();
}

criterion_group! {
    name = benches;
    config = report::quick();
    targets = rounds_group
}

fn main() {
    report::main("barrier", benches, GROUPS, &[STD]);
}
