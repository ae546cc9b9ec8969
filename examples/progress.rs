//! A progress bar on long work, as Python users reach for tqdm:
//! `Pool::map_progress`, and `.progress()` on `imap`'s iterator.
//!
//! Finds the longest Collatz chain that starts below `N` (the first
//! argument, 3,000,000 if none), then counts the primes below `N / 10`.
//! While it works, two bars on standard error show how far each part has
//! come, its rate and the time left. Piped (`2> log`), it draws nothing.
//!
//! ```text
//! cargo run --release --example progress
//! cargo run --release --example progress -- 100000
//! ```

use syncbook::Pool;
use syncbook::progress::ProgressExt;

/// Steps from `n` down to 1: halve if even, else 3n + 1.
fn collatz_steps(mut n: u64) -> u32 {
    let mut steps = 0;
    while n > 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    steps
}

fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

fn main() {
    let n: u64 = match std::env::args().nth(1) {
        None => 3_000_000,
        Some(arg) => arg.parse().unwrap_or_else(|_| {
            eprintln!("usage: progress [N], with N a whole number (not {arg:?})");
            std::process::exit(2)
        }),
    };
    let pool = Pool::default();

    // ANCHOR: map_progress
    let steps = pool
        .map_progress(collatz_steps, 1..n, "collatz")
        .expect("collatz_steps does not panic");
    // ANCHOR_END: map_progress
    let (longest, start) = steps.iter().zip(1..).max().expect("N is at least 2");
    println!("below {n}, the longest Collatz chain starts at {start}: {longest} steps");

    // ANCHOR: imap_progress
    let primes = pool
        .imap_with_chunksize(is_prime, 0..n / 10, 1000)
        .progress("primes")
        .filter(|found| *found == Ok(true))
        .count();
    // ANCHOR_END: imap_progress
    println!("below {}, {primes} primes", n / 10);
}
