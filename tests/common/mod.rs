//! Helpers shared by the chapters' ordinary (non-model) tests.

use std::thread;
use std::time::{Duration, Instant};

/// Waits (politely) until `done()` holds, for tests that must know another
/// thread has reached a point (e.g. is waiting); fails the test after a
/// minute rather than hanging.
pub fn eventually(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(60), "never: {what}");
        thread::sleep(Duration::from_millis(1));
    }
}
