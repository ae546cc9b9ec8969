//! Grades the exercise `lock_spin_lock` (chapter "Lock"):
//! `cargo xtask exercises check lock_spin_lock`.

syncbook_exercises::graded!("../lock/spin_lock.rs", "../solutions/lock_spin_lock.rs");

use syncbook_exercises::model::cell::UnsafeCell;
use syncbook_exercises::model::sync::{AtomicUsize, Ordering};
use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn try_acquire_takes_a_free_lock_only() {
    within(10, "try_acquire, acquire and release on one thread", || {
        let lock = real::exercise::SpinLock::new();
        assert!(lock.try_acquire(), "the lock was free");
        assert!(!lock.try_acquire(), "the lock is held");
        lock.release();
        lock.acquire();
        assert!(!lock.try_acquire(), "acquire took it");
        lock.release();
        assert!(lock.try_acquire(), "release freed it");
    });
}

// Two real threads counting under the lock would catch the unsolved lock
// only now and then (the race is rare on real hardware): the models
// below catch it every time, so they are the test of it.

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

/// Adds one to the data the lock protects. loom's `UnsafeCell` fails the
/// model (a data race) unless the lock orders this access after the last
/// holder's: its release must publish what was written under it, and its
/// acquire must see that.
fn write_under_the_lock(data: &UnsafeCell<usize>) {
    // SAFETY: the lock under test is held; if it does not order one
    // holder's access before the next, loom fails the model before this
    // reference is made.
    #[allow(unsafe_code)]
    data.with_mut(|data| unsafe { *data += 1 });
    syncbook_model::trace::step("adds 1 to the data", "");
}

#[test]
fn model_each_holder_sees_what_the_last_one_wrote() {
    assert_model(
        &bounded(3),
        "\"a thread that takes the lock sees what the last holder wrote under it\"",
        || {
            let lock = leak(model::exercise::SpinLock::new());
            let data = leak(UnsafeCell::new(0));
            let a = spawn("A", move || {
                lock.acquire();
                write_under_the_lock(data);
                lock.release();
            });
            lock.acquire();
            write_under_the_lock(data);
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
