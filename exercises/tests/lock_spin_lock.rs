//! Grades the exercise `lock_spin_lock` (chapter "Lock"):
//! `cargo xtask exercises check lock_spin_lock`.

syncbook_exercises::graded!("../lock/spin_lock.rs", "../solutions/lock_spin_lock.rs");

use std::sync::atomic::AtomicU64;

use syncbook_exercises::model::sync::{AtomicUsize, Ordering};
use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn try_acquire_takes_a_free_lock_only() {
    let lock = real::exercise::SpinLock::new();
    assert!(lock.try_acquire(), "the lock was free");
    assert!(!lock.try_acquire(), "the lock is held");
    lock.release();
    lock.acquire();
    assert!(!lock.try_acquire(), "acquire took it");
    lock.release();
    assert!(lock.try_acquire(), "release freed it");
}

#[test]
fn two_threads_count_exactly_under_the_lock() {
    let count = within(30, "counting under the lock", || {
        let lock = leak(real::exercise::SpinLock::new());
        let count = leak(AtomicU64::new(0));
        let body = move || {
            for _ in 0..20_000 {
                lock.acquire();
                // A load and a store: only the lock keeps them together.
                let n = count.load(std::sync::atomic::Ordering::Relaxed);
                count.store(n + 1, std::sync::atomic::Ordering::Relaxed);
                lock.release();
            }
        };
        let a = std::thread::spawn(body);
        body();
        a.join().unwrap();
        count.load(std::sync::atomic::Ordering::Relaxed)
    });
    assert_eq!(count, 40_000);
}

/// Counts the thread in, checks it is alone, counts it out.
fn critical_section(inside: &AtomicUsize) {
    let before = inside.fetch_add(1, Ordering::SeqCst);
    syncbook_model::trace::step("enters; threads inside:", before + 1);
    assert_eq!(before, 0, "two threads inside the lock at once");
    inside.fetch_sub(1, Ordering::SeqCst);
}

// Bounded to 3 preemptions: the race needs one, and a spinning wait makes
// the full exploration needlessly long.

#[test]
fn model_at_most_one_thread_inside() {
    assert_model(
        &bounded(3),
        "\"at most one thread is inside the lock\"",
        || {
            let lock = leak(model::exercise::SpinLock::new());
            let inside = leak(AtomicUsize::new(0));
            let a = spawn("A", move || {
                lock.acquire();
                critical_section(inside);
                lock.release();
            });
            lock.acquire();
            critical_section(inside);
            lock.release();
            a.join().unwrap();
        },
    );
}

#[test]
fn model_at_most_one_try_acquire_wins() {
    assert_model(
        &bounded(3),
        "\"of two try_acquire calls on a free lock, exactly one wins\"",
        || {
            let lock = leak(model::exercise::SpinLock::new());
            let a = spawn("A", move || lock.try_acquire());
            let mine = lock.try_acquire();
            let theirs = a.join().unwrap();
            assert!(mine != theirs, "both try_acquire calls returned {mine}");
        },
    );
}
