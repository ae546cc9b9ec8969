//! A thread's life in Rust, part by part as in `examples/python/threads.py`:
//! spawn and join (the result comes back), a panic (it comes back too, as an
//! `Err`), names, scoped threads that borrow local data, and a detached
//! thread that nobody waits for, Python's daemon thread.
//!
//! Each part joins its threads before the next part starts, so the output is
//! the same on every run.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example threads
//! ```

use std::panic;
use std::thread;
use std::time::Duration;

// ANCHOR: spawn_join
fn spawn_and_join() {
    let x = 7;
    // `move`: the thread gets its own copy of `x`; the closure's return value
    // is the thread's result.
    let handle = thread::spawn(move || x * x);
    let result = handle.join(); // waits for it: Ok(its result)
    println!("join() returned {result:?}");
}
// ANCHOR_END: spawn_join

// ANCHOR: panic
fn panic_in_a_thread() {
    // The panic hook is Rust's threading.excepthook; the default one prints
    // "thread 'failer' panicked at ..." on stderr. This one prints a line.
    panic::set_hook(Box::new(|info| {
        let name = thread::current().name().unwrap_or("?").to_string();
        println!(
            "panic hook: thread {name:?} panicked: {}",
            info.payload_as_str().unwrap_or("?")
        );
    }));
    let handle = thread::Builder::new()
        .name("failer".to_string())
        .spawn(|| -> i32 { panic!("bad input") })
        .expect("could not start a thread");
    match handle.join() {
        Ok(n) => println!("join() returned Ok({n})"),
        // The payload is what was given to panic!: here a &str.
        Err(payload) => println!(
            "join() returned Err, holding {:?}",
            payload.downcast_ref::<&str>()
        ),
    }
    let _ = panic::take_hook(); // the default hook again
}
// ANCHOR_END: panic

// ANCHOR: names
fn names() {
    let handle = thread::Builder::new()
        .name("greeter".to_string())
        .spawn(|| println!("hello from {:?}", thread::current().name()))
        .expect("could not start a thread");
    handle.join().unwrap();
    println!("and this is {:?}", thread::current().name());
    let unnamed = thread::spawn(|| thread::current().name().map(String::from));
    println!(
        "a thread spawned without a name: {:?}",
        unnamed.join().unwrap()
    );
}
// ANCHOR_END: names

// ANCHOR: scoped
fn scoped() {
    let numbers: Vec<u64> = (1..=100).collect(); // local data, not 'static
    let mut sums = [0u64; 2];
    thread::scope(|s| {
        // Each thread borrows one half of `numbers` and one slot of `sums`:
        // no Arc, no copy, no join call.
        for (sum, half) in sums.iter_mut().zip(numbers.chunks(50)) {
            s.spawn(move || *sum = half.iter().sum());
        }
    }); // every thread spawned in the scope is joined here
    println!(
        "sums of the two halves: {sums:?}, total {}",
        sums[0] + sums[1]
    );
}
// ANCHOR_END: scoped

// ANCHOR: detached
fn detached() {
    let handle = thread::spawn(|| {
        loop {
            thread::sleep(Duration::from_millis(10));
        }
    });
    println!(
        "detached thread finished as main ends: {}",
        handle.is_finished()
    );
    drop(handle); // nobody can join it now; when main returns, the process
    // exits and the thread stops with it
}
// ANCHOR_END: detached

fn main() {
    spawn_and_join();
    panic_in_a_thread();
    names();
    scoped();
    detached(); // last: main returns with this thread still running
}
