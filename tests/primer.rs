//! Chapter "Before the first race": the small models the primer shows.
//!
//! `cargo test --test primer` runs them. They use loom's atomics directly
//! and the crate's model kit (`syncbook_model::check`), as every chapter's
//! models do.

use loom::model::Builder;
use loom::sync::Mutex;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use syncbook_model::check::{bounded, for_book, leak, outcomes, spawn, step_table};
use syncbook_model::trace::step;

// ANCHOR: turns
/// Two threads each write their letter into a log twice (`M` for `main`).
fn turns() -> String {
    let log = leak(Mutex::new(String::new()));
    let a = spawn("A", move || {
        for _ in 0..2 {
            log.lock().unwrap().push('A');
        }
    });
    for _ in 0..2 {
        log.lock().unwrap().push('M');
    }
    a.join().unwrap();
    log.lock().unwrap().clone()
}

#[test]
fn model_threads_take_turns_in_any_order() {
    let found = outcomes(&Builder::new(), turns);
    assert_eq!(
        found.values(),
        ["AAMM", "AMAM", "AMMA", "MAAM", "MAMA", "MMAA"]
    );
    insta::assert_snapshot!("turns", for_book(&found.report("logs")));
}
// ANCHOR_END: turns

// ANCHOR: turns_bounded
/// The same model, with at most one preemption.
#[test]
fn model_threads_take_turns_with_one_preemption() {
    let found = outcomes(&bounded(1), turns);
    // `AMAM`, `AMMA` and `MAMA` each need at least two preemptions.
    assert_eq!(found.values(), ["AAMM", "MAAM", "MMAA"]);
    insta::assert_snapshot!("turns_one_preemption", for_book(&found.report("logs")));
}
// ANCHOR_END: turns_bounded

// ANCHOR: cas
/// `count += 1` as one indivisible step; returns how many times it had to
/// try again.
fn cas_increment(count: &AtomicUsize) -> usize {
    let mut retries = 0;
    let mut seen = count.load(Ordering::Relaxed);
    while let Err(now) =
        count.compare_exchange(seen, seen + 1, Ordering::Relaxed, Ordering::Relaxed)
    {
        seen = now;
        retries += 1;
    }
    retries
}

/// Two threads increment a count, once each: the final count, and the
/// retries of both.
fn two_increments() -> (usize, usize) {
    let count = leak(AtomicUsize::new(0));
    let a = spawn("A", move || cas_increment(count));
    let mine = cas_increment(count);
    let theirs = a.join().unwrap();
    (count.load(Ordering::Relaxed), mine + theirs)
}
// ANCHOR_END: cas

// ANCHOR: model_cas
#[test]
fn model_compare_and_swap_never_loses_an_increment() {
    let found = outcomes(&Builder::new(), two_increments);
    assert_eq!(found.values(), vec![(2, 0), (2, 1)]);
    insta::assert_snapshot!("cas", for_book(&found.report("(count, retries)")));
}
// ANCHOR_END: model_cas

// ANCHOR: message
/// `A` writes the data, then raises a flag; `main` looks at the flag and,
/// if it is up, reads the data (`None`: the flag was down).
fn message(publish: Ordering, observe: Ordering) -> Option<usize> {
    let data = leak(AtomicUsize::new(0));
    let ready = leak(AtomicBool::new(false));
    let a = spawn("A", move || {
        data.store(42, Ordering::Relaxed);
        step("writes data =", 42);
        ready.store(true, publish);
        step("writes ready =", true);
    });
    let seen = if ready.load(observe) {
        step("reads ready =", true);
        let value = data.load(Ordering::Relaxed);
        step("reads data =", value);
        Some(value)
    } else {
        step("reads ready =", false);
        None
    };
    a.join().unwrap();
    seen
}
// ANCHOR_END: message

// ANCHOR: model_relaxed
#[test]
fn model_relaxed_flag_can_come_without_its_data() {
    let found = outcomes(&Builder::new(), || {
        message(Ordering::Relaxed, Ordering::Relaxed)
    });
    assert_eq!(found.values(), vec![None, Some(0), Some(42)]);
    insta::assert_snapshot!("relaxed", for_book(&found.report("results")));
    let stale = &found.examples[&Some(0)];
    insta::assert_snapshot!("relaxed_stale_read", for_book(&step_table(stale)));
}
// ANCHOR_END: model_relaxed

// ANCHOR: model_release_acquire
#[test]
fn model_release_acquire_flag_brings_its_data() {
    let found = outcomes(&Builder::new(), || {
        message(Ordering::Release, Ordering::Acquire)
    });
    assert_eq!(found.values(), vec![None, Some(42)]);
    insta::assert_snapshot!("release_acquire", for_book(&found.report("results")));
}
// ANCHOR_END: model_release_acquire
