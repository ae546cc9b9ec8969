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

// ANCHOR: stray
/// Increments made by each of three workers, under [`stray_unparks`].
pub const STRAY_ROUNDS: u64 = 20_000;

/// Stray wake-ups, on real threads. The model build wakes a parked thread
/// through a loom `Notify` made for that one wait (src/park/signal.rs); the
/// real build uses the thread's own park token, which anything may unpark.
/// A waiter must take a stray `unpark` for what it is (no reason to stop
/// waiting) and still never miss its real wake-up.
///
/// Three workers each make [`STRAY_ROUNDS`] unsynchronised increments of
/// one counter, each inside `inside(&primitive, increment)`, which holds a
/// lock or a permit while it calls `increment`. The increment yields
/// between its read and its write, so that the others wait long enough to
/// park; meanwhile a fourth thread unparks all three, over and over. Returns the count and
/// `state(&primitive)` at the end; fails after two minutes, as a waiter
/// that missed its wake-up would hang.
pub fn stray_unparks<P, R>(primitive: P, inside: fn(&P, &dyn Fn()), state: fn(&P) -> R) -> (u64, R)
where
    P: Send + Sync + 'static,
    R: Send + 'static,
{
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let count = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        for _ in 0..STRAY_ROUNDS {
                            inside(&primitive, &|| {
                                let n = count.load(Ordering::Relaxed);
                                thread::yield_now();
                                count.store(n + 1, Ordering::Relaxed);
                            });
                        }
                    })
                })
                .collect();
            let targets: Vec<thread::Thread> = workers.iter().map(|w| w.thread().clone()).collect();
            let stop = &stop;
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    targets.iter().for_each(thread::Thread::unpark);
                    thread::yield_now();
                }
            });
            for w in workers {
                w.join().unwrap();
            }
            stop.store(true, Ordering::Relaxed);
        });
        let _ = done.send((count.into_inner(), state(&primitive)));
    });
    finished
        .recv_timeout(Duration::from_secs(120))
        .expect("still running after two minutes: a waiter missed its wake-up")
}
// ANCHOR_END: stray
