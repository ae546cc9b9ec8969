//! Lost updates on real threads: Python's `counter.value += 1` race, in Rust.
//!
//! Each run starts a fresh `Value::<i32>::new(0)` and two threads that each
//! call [`racy_increment`] `K` times: `v.set(v.get() + 1)`, a locked read and
//! then a separately locked write, just as `counter.value += 1` does on a
//! `multiprocessing.Value`. When the other thread writes in between, an
//! update is lost, so a run can end below `2 * K`. The program prints a
//! histogram of the final values over all runs, then does as many runs with
//! [`locked_increment`] (`*v.get_lock() += 1`, read and write under one
//! hold of the lock), which always end at exactly `2 * K`.
//!
//! Run it with (defaults: 200 runs, K = 1000):
//!
//! ```text
//! cargo run --release --example value_race [RUNS] [K]
//! ```

use std::collections::BTreeMap;
use std::hint;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use syncbook::Value;
use syncbook::value::{locked_increment, racy_increment};

const THREADS: usize = 2;
const BAR_WIDTH: usize = 40;
/// With more distinct final values than this, the histogram uses ranges.
const MAX_ROWS: usize = 10;

/// The `n`th command-line argument as a number, or `default`.
fn arg(n: usize, default: usize) -> usize {
    std::env::args().nth(n).map_or(default, |s| {
        s.parse()
            .unwrap_or_else(|_| panic!("argument {n} must be a number, not {s:?}"))
    })
}

/// One run: `THREADS` threads each call `increment` `k` times on a fresh
/// value; returns the final value.
fn run(increment: fn(&Value<i32>), k: usize) -> i32 {
    let v = Value::<i32>::new(0);
    // A spinning start gate: each thread waits, awake, until all are ready,
    // so that their loops overlap even when `k` is small. (A blocking gate
    // such as `std::sync::Barrier` wakes the sleeper so late that the other
    // thread is often done before it starts.)
    let ready = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                ready.fetch_add(1, Ordering::Relaxed);
                while ready.load(Ordering::Relaxed) < THREADS {
                    hint::spin_loop();
                }
                for _ in 0..k {
                    increment(&v);
                }
            });
        }
    });
    v.get()
}

/// Prints `finals` as a histogram: one row per value if there are at most
/// `MAX_ROWS` distinct values, else about `MAX_ROWS` ranges of a round width
/// (1, 2 or 5 times a power of ten), empty ones included.
fn histogram(finals: &[i32]) {
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for &f in finals {
        *counts.entry(f).or_default() += 1;
    }
    let rows: Vec<(String, usize)> = if counts.len() <= MAX_ROWS {
        counts.iter().map(|(v, &c)| (v.to_string(), c)).collect()
    } else {
        let lo = *counts.keys().next().unwrap();
        let hi = *counts.keys().next_back().unwrap();
        let wanted = (hi.abs_diff(lo) + 1).div_ceil(MAX_ROWS as u32);
        let width = (0..)
            .flat_map(|e| [1, 2, 5].map(|m| m * 10u32.pow(e)))
            .find(|&w| w >= wanted)
            .unwrap() as i32;
        let first = lo.div_euclid(width) * width;
        (first..=hi)
            .step_by(width as usize)
            .map(|from| {
                let to = (from + width - 1).min(hi);
                let c = counts.range(from..=to).map(|(_, &c)| c).sum();
                let label = if from == to {
                    from.to_string()
                } else {
                    format!("{from}..={to}")
                };
                (label, c)
            })
            .collect()
    };
    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let most = rows.iter().map(|&(_, c)| c).max().unwrap_or(1);
    for (label, c) in rows {
        // Round up, so that a single run still shows as one `#`.
        let bar = "#".repeat((c * BAR_WIDTH).div_ceil(most));
        println!("  {label:>label_width$} | {bar:<BAR_WIDTH$} {c}");
    }
}

fn main() {
    let runs = arg(1, 200);
    let k = arg(2, 1000);
    let expected = i32::try_from(THREADS * k).expect("2 * K must fit in an i32");

    println!("{runs} runs, {THREADS} threads x {k} increments each, expected {expected}");
    println!();
    println!("racy_increment (v.set(v.get() + 1)), final values:");
    let finals: Vec<i32> = (0..runs).map(|_| run(racy_increment, k)).collect();
    histogram(&finals);
    let exact = finals.iter().filter(|&&f| f == expected).count();
    let worst = finals.iter().min().copied().unwrap_or(expected);
    println!(
        "  exact in {exact} of {runs} runs; at worst {} of {expected} updates lost",
        expected - worst
    );
    println!();

    println!("locked_increment (*v.get_lock() += 1), final values:");
    let finals: Vec<i32> = (0..runs).map(|_| run(locked_increment, k)).collect();
    histogram(&finals);
    let exact = finals.iter().filter(|&&f| f == expected).count();
    assert_eq!(exact, runs, "locked_increment lost an update");
    println!("  exact in {exact} of {runs} runs");
}
