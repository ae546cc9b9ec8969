//! Globals changed by a thread and by a child process: the Rust port of
//! `examples/python/processes.py`.
//!
//! A thread shares the program's memory, statics included: its change is the
//! parent's change. A child process has memory of its own. Rust's standard
//! library starts a child process only one way, by running a program, so
//! the child here is this same executable (`std::env::current_exe()`) run
//! again with the argument `--child`, which makes `main` act as the child.
//! Like Python's "spawn", the child starts from scratch, and what it changes
//! stays in the child.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example processes
//! ```

use std::env;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: globals
static COUNTER: AtomicU64 = AtomicU64::new(0); // one set per process
static VISITORS: Mutex<Vec<&str>> = Mutex::new(Vec::new());

fn visit(who: &'static str) {
    COUNTER.fetch_add(1, Ordering::Relaxed);
    VISITORS.lock().unwrap().push(who);
}

fn show(place: &str) {
    let counter = COUNTER.load(Ordering::Relaxed);
    let visitors = VISITORS.lock().unwrap();
    // Rust's stdout writes out each line as it ends, so the lines of the
    // parent and the child cannot mix up.
    println!("{place:<26} counter = {counter}, visitors = {visitors:?}");
}
// ANCHOR_END: globals

// ANCHOR: child
const CHILD: &str = "--child";

fn child() {
    show("child, at start");
    visit("child");
    show("child, after");
}
// ANCHOR_END: child

// ANCHOR: main
fn main() {
    if env::args().nth(1).as_deref() == Some(CHILD) {
        child(); // we are the child: do its work, nothing else
        return;
    }
    show("parent, at start");

    thread::spawn(|| visit("thread")).join().unwrap();
    show("parent, after the thread");

    let me = env::current_exe().expect("cannot find this program's path");
    let status = Command::new(me)
        .arg(CHILD)
        .status() // starts the child and waits for it: start() + join()
        .expect("cannot start the child process");
    show("parent, after the child");
    println!("the child's {status}");
}
// ANCHOR_END: main
