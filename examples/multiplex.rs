//! A multiplex: a `Semaphore` with K permits lets at most K threads into a
//! section at once, Python's `with sem:` around the section.
//!
//! W worker threads each enter the section 200 times. To enter, a worker
//! takes a permit with [`Semaphore::guard`]; inside, it counts itself in on
//! a shared counter, records the most threads it has seen inside, yields
//! the processor a few times (so that others come in meanwhile), counts
//! itself out, and drops the guard, which gives the permit back. With more
//! workers than permits the section fills up to K, and never past it.
//!
//! Run it with (defaults: K = 3 permits, W = 8 workers):
//!
//! ```text
//! cargo run --release --example multiplex [K] [W]
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use syncbook::Semaphore;

const ROUNDS: usize = 200;
const YIELDS: usize = 5;

/// The `n`th command-line argument as a number, or `default`.
fn arg(n: usize, default: usize) -> usize {
    std::env::args().nth(n).map_or(default, |s| {
        s.parse()
            .unwrap_or_else(|_| panic!("argument {n} must be a number, not {s:?}"))
    })
}

/// `n` and `noun`, in the plural unless `n` is 1: "1 permit", "3 permits".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn main() {
    let k = arg(1, 3);
    let w = arg(2, 8);
    assert!(
        k > 0,
        "K must be at least 1: with no permits nobody gets in"
    );

    let sem = Semaphore::new(k);
    // Relaxed is enough for both counters: the semaphore itself orders a
    // leaving worker's decrement before the increment of the worker that
    // takes its permit.
    let inside = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..w {
            s.spawn(|| {
                for _ in 0..ROUNDS {
                    let _permit = sem.guard();
                    let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
                    most.fetch_max(now, Ordering::Relaxed);
                    for _ in 0..YIELDS {
                        thread::yield_now();
                    }
                    inside.fetch_sub(1, Ordering::Relaxed);
                } // `_permit` dropped here: the permit goes back
            });
        }
    });

    let m = most.load(Ordering::Relaxed);
    assert!(m <= k, "{m} threads were inside at once, with {k} permits");
    let were = if m == 1 { "thread was" } else { "threads were" };
    println!(
        "{}, {}: at most {m} {were} inside at once (never above {k})",
        count(w, "worker"),
        count(k, "permit")
    );
    println!("permits back at the end: {}", sem.value());
}
