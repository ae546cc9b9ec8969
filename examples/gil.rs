//! No GIL: the CPU-bound job of `examples/python/gil.py` on 1, 2 and 4 Rust
//! threads.
//!
//! The job counts the primes below `N` by trial division, cut into blocks of
//! `BLOCK` numbers dealt out in turn, exactly as the Python program does; `N`
//! is larger, because Rust runs the same loop many times faster. Each
//! setting runs `REPEATS` times, in turns; the table keeps the fastest run of
//! each. One more line times Python's own job (its `N`) on one Rust thread.
//!
//! Writes its table to `examples/gil.md`, and prints it. Measure a release
//! build: a debug build prints its table but does not write it. With
//! `--quick`, each setting runs once (`cargo xtask measure --quick`).
//!
//! ```text
//! cargo run --release --example gil
//! ```

use std::fmt::Write as _;
use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

#[path = "../benches/report/thousands.rs"]
mod thousands;
use thousands::thousands;

const N: u32 = 6_000_000;
const PYTHON_N: u32 = 400_000; // gil.py's N
const BLOCK: u32 = 1_000;
const WORKERS: [u32; 3] = [1, 2, 4];
const REPEATS: usize = 5;

// ANCHOR: job
fn is_prime(k: u32) -> bool {
    if k < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= k {
        if k.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// Counts the primes below `n` in this worker's blocks.
fn count_primes(n: u32, worker: u32, workers: u32) -> usize {
    let mut found = 0;
    for start in (worker * BLOCK..n).step_by((workers * BLOCK) as usize) {
        found += (start..(start + BLOCK).min(n))
            .filter(|&k| is_prime(k))
            .count();
    }
    found
}
// ANCHOR_END: job

// ANCHOR: threads
fn with_threads(n: u32, workers: u32) -> usize {
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|i| s.spawn(move || count_primes(n, i, workers)))
            .collect();
        // Each thread's count is its result, returned by join.
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: threads

/// The wall time of one run of `with_threads(n, workers)`, and its answer.
fn timed(n: u32, workers: u32) -> (Duration, usize) {
    let start = Instant::now();
    // black_box: the compiler may not work out the answer in advance
    let answer = with_threads(black_box(n), workers);
    (start.elapsed(), answer)
}

fn table(repeats: usize) -> String {
    // Round after round of every setting, so that a slow moment of the
    // machine hits all the settings alike; each keeps its fastest run.
    let mut best = [Duration::MAX; WORKERS.len()];
    let mut answers = Vec::new();
    for _ in 0..repeats {
        for (best, workers) in best.iter_mut().zip(WORKERS) {
            let (time, answer) = timed(N, workers);
            *best = time.min(*best);
            answers.push(answer);
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the workers disagree: {answers:?}"
    );
    let mut rows = String::new();
    for (time, workers) in best.iter().zip(WORKERS) {
        let secs = time.as_secs_f64();
        let speedup = best[0].as_secs_f64() / secs;
        writeln!(rows, "| {workers} | {secs:.2} s | {speedup:.2}x |").unwrap();
    }
    let python = (0..repeats).map(|_| timed(PYTHON_N, 1)).min();
    let (python_job, python_answer) = python.unwrap();
    format!(
        "Written by `cargo run --release --example gil`: counting the {} primes below \
         {} by trial division; each time is the fastest of {repeats} runs, \
         taken in turns.\n\
         \n\
         | workers | threads: wall time | speed-up |\n\
         |---:|---:|---:|\n\
         {rows}\n\
         Python's job (the {python_answer} primes below {}) on one Rust thread: \
         {:.1} ms.\n",
        answers[0],
        thousands(N),
        thousands(PYTHON_N),
        python_job.as_secs_f64() * 1e3,
    )
}

fn main() {
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let md = table(if quick { 1 } else { REPEATS });
    print!("{md}");
    if cfg!(debug_assertions) {
        eprintln!("(a debug build: examples/gil.md not written; use --release)");
    } else {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gil.md");
        std::fs::write(path, &md).expect("cannot write examples/gil.md");
    }
}
