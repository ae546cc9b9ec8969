//! Grades the exercise `condition_flag` (chapter "Condition and Event"):
//! `cargo xtask exercises check condition_flag`.

syncbook_exercises::graded!("../condition/flag.rs", "../solutions/condition_flag.rs");

use std::time::Duration;

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn a_raised_flag_lets_wait_return_at_once() {
    let flag = real::exercise::Flag::new();
    assert!(!flag.is_set());
    flag.set();
    assert!(flag.is_set());
    within(10, "waiting on a raised flag", move || flag.wait());
}

#[test]
fn set_releases_a_thread_that_waits() {
    within(10, "a waiter, released by set", || {
        let flag = leak(real::exercise::Flag::new());
        let waiter = std::thread::spawn(move || flag.wait());
        std::thread::sleep(Duration::from_millis(20));
        flag.set();
        waiter.join().unwrap();
    });
}

// Bounded to 3 preemptions: the lost wake-up needs one. The kit's
// `CondVar` may wake a waiter once for no reason (a spurious wake-up, as
// a real one may): a `wait` that does not look at the flag again after
// waking returns with the flag down.

#[test]
fn model_set_always_wakes_the_waiter() {
    assert_model(
        &bounded(3),
        "\"wait returns once set has been called\"",
        || {
            let flag = leak(model::exercise::Flag::new());
            let a = spawn("A", move || {
                flag.wait();
                assert!(flag.is_set(), "wait returned with the flag still down");
            });
            flag.set();
            a.join().unwrap();
        },
    );
}

#[test]
fn model_two_waiters_are_both_released() {
    assert_model(&bounded(2), "\"set releases every waiter\"", || {
        let flag = leak(model::exercise::Flag::new());
        let a = spawn("A", move || {
            flag.wait();
            assert!(flag.is_set(), "wait returned with the flag still down");
        });
        let b = spawn("B", move || {
            flag.wait();
            assert!(flag.is_set(), "wait returned with the flag still down");
        });
        flag.set();
        a.join().unwrap();
        b.join().unwrap();
    });
}
