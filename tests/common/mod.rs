//! Helpers shared by the chapters' ordinary (non-model) tests.
// Each test file uses some of these helpers, not all.
#![allow(dead_code)]

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

/// Runs `f` on a thread of its own, expecting it to panic, and returns the
/// panic's message. Fails the test if `f` returns, or is still running
/// after ten seconds (a thread waiting for itself: the hang the panic
/// should replace).
pub fn panic_message_of(f: impl FnOnce() + Send + 'static) -> String {
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = done.send(outcome.err().map(|payload| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        }));
    });
    match finished.recv_timeout(Duration::from_secs(10)) {
        Ok(Some(message)) => message,
        Ok(None) => panic!("expected a panic, but it returned"),
        Err(_) => panic!("still running after 10 s: a thread waiting for itself?"),
    }
}
