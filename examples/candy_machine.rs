//! The candy machine: Python's `threading.BoundedSemaphore` story, in Rust.
//!
//! The tray has 5 slots and starts full; the [`BoundedSemaphore`]'s value is
//! the candies in it. A buyer takes a candy with `try_acquire()`, or leaves
//! without one if the tray is empty. The refiller puts one back with
//! `release()`; a refill into a full tray returns an `Err` (where Python
//! raises `ValueError`) and changes nothing: the tray keeps its 5 candies.
//! Each step runs in its own thread, joined before the next one starts, so
//! the output is the same on every run.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example candy_machine
//! ```

use std::thread;

use syncbook::BoundedSemaphore;

const SLOTS: usize = 5;

fn buyer(tray: &BoundedSemaphore, n: usize) {
    let took = tray.try_acquire(); // never waits for the refiller
    if took {
        println!("buyer {n} takes a candy: {took} (tray: {})", tray.value());
    } else {
        println!(
            "buyer {n} finds the tray empty: {took} (tray: {})",
            tray.value()
        );
    }
}

fn refill(tray: &BoundedSemaphore) {
    match tray.release() {
        Ok(()) => println!("refill: tray {}", tray.value()),
        Err(err) => println!(
            "refill into a full tray: Err: {err} (tray still {})",
            tray.value()
        ),
    }
}

/// Runs `f` in its own thread and waits for it: one step at a time.
fn step(f: impl FnOnce() + Send) {
    thread::scope(|s| {
        s.spawn(f);
    });
}

fn main() {
    let tray = BoundedSemaphore::new(SLOTS);
    println!("a new machine, tray: {} of {SLOTS}", tray.value());
    for n in 1..=SLOTS + 1 {
        // one buyer more than there are candies
        step(|| buyer(&tray, n));
    }
    for _ in 0..SLOTS {
        step(|| refill(&tray));
    }
    step(|| refill(&tray)); // one refill too many
}
