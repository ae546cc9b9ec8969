//! Grades the exercise `rlock_owned_lock` (chapter "RLock"):
//! `cargo xtask exercises check rlock_owned_lock`.

syncbook_exercises::graded!("../rlock/owned_lock.rs", "../solutions/rlock_owned_lock.rs");

use syncbook::ReleaseError;
use syncbook_exercises::model::sync::{AtomicUsize, Ordering};
use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn the_owner_reenters_and_releases_as_often() {
    let lock = real::exercise::OwnedLock::new();
    lock.acquire();
    lock.acquire();
    assert!(lock.is_owned());
    lock.release().unwrap();
    assert!(lock.is_owned(), "one acquire is still open");
    lock.release().unwrap();
    assert!(!lock.is_owned());
    assert_eq!(lock.release(), Err(ReleaseError::NotOwner));
}

#[test]
fn another_thread_cannot_release_it() {
    let lock = leak(real::exercise::OwnedLock::new());
    lock.acquire();
    let theirs = std::thread::spawn(move || lock.release()).join().unwrap();
    assert_eq!(theirs, Err(ReleaseError::NotOwner));
    assert!(lock.is_owned(), "nothing changed");
    lock.release().unwrap();
}

#[test]
fn two_threads_take_turns_reentering() {
    within(10, "two threads re-entering", || {
        let lock = leak(real::exercise::OwnedLock::new());
        let body = move || {
            for _ in 0..5_000 {
                lock.acquire();
                lock.acquire();
                assert!(lock.is_owned());
                lock.release().unwrap();
                lock.release().unwrap();
            }
        };
        let a = std::thread::spawn(body);
        body();
        a.join().unwrap();
    });
}

/// Counts the thread in, checks it is alone, counts it out.
fn critical_section(inside: &AtomicUsize) {
    let before = inside.fetch_add(1, Ordering::SeqCst);
    assert_eq!(before, 0, "two threads inside the lock at once");
    inside.fetch_sub(1, Ordering::SeqCst);
}

// Bounded to 3 preemptions: the late clear of `owner` needs two.
#[test]
fn model_the_owner_can_reenter_while_another_thread_releases() {
    assert_model(
        &bounded(3),
        "\"the owner can always re-enter, and one thread at a time holds the lock\"",
        || {
            let lock = leak(model::exercise::OwnedLock::new());
            let inside = leak(AtomicUsize::new(0));
            let a = spawn("A", move || {
                lock.acquire();
                critical_section(inside);
                lock.release().unwrap();
            });
            lock.acquire();
            critical_section(inside);
            lock.acquire(); // re-enters
            lock.release().unwrap();
            lock.release().unwrap();
            a.join().unwrap();
        },
    );
}

#[test]
fn model_a_non_owner_release_changes_nothing() {
    assert_model(
        &bounded(3),
        "\"a release by a thread that does not own the lock fails and changes nothing\"",
        || {
            let lock = leak(model::exercise::OwnedLock::new());
            lock.acquire();
            let a = spawn("A", move || lock.release());
            assert_eq!(
                a.join().unwrap(),
                Err(syncbook_model::ReleaseError::NotOwner)
            );
            assert!(lock.is_owned());
            lock.release().unwrap();
        },
    );
}
