//! Chapter "Semaphore and BoundedSemaphore".
//!
//! `cargo test --test semaphore` runs this chapter; `cargo test --test
//! semaphore model_` runs only its loom models.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use syncbook::{BoundedSemaphore, ReleaseError, Semaphore};

// ANCHOR: facts
#[test]
fn with_value_k_exactly_k_try_acquires_succeed() {
    for k in 0..5 {
        let sem = Semaphore::new(k);
        let wins = (0..k + 3).filter(|_| sem.try_acquire()).count();
        assert_eq!(wins, k);
        assert_eq!(sem.value(), 0, "never below zero");
    }
}

#[test]
fn any_thread_may_release_and_a_plain_semaphore_may_go_above_its_start() {
    let sem = Semaphore::new(1);
    thread::scope(|s| {
        s.spawn(|| sem.release());
    });
    assert_eq!(sem.value(), 2);
    sem.release_n(3);
    assert_eq!(sem.value(), 5);
    sem.release_n(0);
    assert_eq!(sem.value(), 5);
}

#[test]
fn acquire_waits_for_a_release_and_timeouts_give_up() {
    let sem = Semaphore::new(0);
    let start = Instant::now();
    assert!(!sem.acquire_timeout(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    thread::scope(|s| {
        let waiter = s.spawn(|| sem.acquire());
        thread::sleep(Duration::from_millis(10));
        sem.release();
        waiter.join().unwrap();
    });
    assert_eq!(sem.value(), 0);
    sem.release();
    assert!(sem.acquire_timeout(Duration::from_secs(60)));
}

#[test]
fn release_n_lets_up_to_n_waiters_through() {
    let sem = Semaphore::new(0);
    let through = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                sem.acquire();
                through.fetch_add(1, Ordering::SeqCst);
            });
        }
        sem.release_n(3);
        let start = Instant::now();
        while through.load(Ordering::SeqCst) < 3 {
            assert!(start.elapsed() < Duration::from_secs(60), "stuck");
            thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(sem.value(), 0);
        sem.release(); // the fourth
    });
    assert_eq!(through.into_inner(), 4);
}

#[test]
fn a_bounded_semaphore_refuses_to_pass_its_start_and_changes_nothing() {
    let tray = BoundedSemaphore::new(3);
    assert_eq!(tray.release(), Err(ReleaseError::TooManyReleases));
    assert_eq!(
        tray.release().unwrap_err().to_string(),
        "semaphore released too many times: its value would pass its initial value"
    );
    assert!(tray.try_acquire());
    assert!(tray.try_acquire());
    assert_eq!(tray.value(), 1);
    // All or nothing: 3 more would make 4.
    assert_eq!(tray.release_n(3), Err(ReleaseError::TooManyReleases));
    assert_eq!(tray.value(), 1);
    assert_eq!(tray.release_n(2), Ok(()));
    assert_eq!(tray.value(), 3);
}

#[test]
fn guards_give_the_permit_back_on_exit_and_on_panic() {
    let sem = Semaphore::new(1);
    {
        let _p = sem.guard();
        assert_eq!(sem.value(), 0);
    }
    assert_eq!(sem.value(), 1);
    let result = std::panic::catch_unwind(|| {
        let _p = sem.guard();
        panic!("boom holding a permit");
    });
    assert!(result.is_err());
    assert_eq!(sem.value(), 1);
    let bounded = BoundedSemaphore::new(1);
    drop(bounded.guard());
    assert_eq!(bounded.value(), 1);
}
// ANCHOR_END: facts

#[test]
fn never_more_holders_than_permits_on_real_threads() {
    let sem = Semaphore::new(3);
    let inside = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..2_000 {
                    let _permit = sem.guard();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert!(most.into_inner() <= 3);
    assert_eq!(sem.value(), 3);
}

// ---------------------------------------------------------------------------
// proptest: one thread's calls agree with a counter.

mod sequential {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Acquire,
        TryAcquire,
        AcquireTimeout,
        Release(usize),
        Value,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            Just(Op::Acquire),
            Just(Op::TryAcquire),
            Just(Op::AcquireTimeout),
            (0..4usize).prop_map(Op::Release),
            Just(Op::Value),
        ]
    }

    proptest! {
        #[test]
        fn semaphore_agrees_with_a_counter(start in 0..4usize, ops in proptest::collection::vec(op(), 0..40)) {
            let sem = Semaphore::new(start);
            let mut value = start;
            for op in ops {
                match op {
                    Op::Acquire if value > 0 => { sem.acquire(); value -= 1; }
                    Op::Acquire => {} // would wait forever on one thread
                    Op::TryAcquire => { prop_assert_eq!(sem.try_acquire(), value > 0); value = value.saturating_sub(1); }
                    Op::AcquireTimeout => {
                        prop_assert_eq!(sem.acquire_timeout(Duration::from_micros(100)), value > 0);
                        value = value.saturating_sub(1);
                    }
                    Op::Release(n) => { sem.release_n(n); value += n; }
                    Op::Value => prop_assert_eq!(sem.value(), value),
                }
            }
            prop_assert_eq!(sem.value(), value);
        }

        #[test]
        fn bounded_semaphore_agrees_with_a_capped_counter(start in 0..4usize, ops in proptest::collection::vec(op(), 0..40)) {
            let sem = BoundedSemaphore::new(start);
            let mut value = start;
            for op in ops {
                match op {
                    Op::Acquire if value > 0 => { sem.acquire(); value -= 1; }
                    Op::Acquire => {}
                    Op::TryAcquire | Op::AcquireTimeout => {
                        prop_assert_eq!(sem.try_acquire(), value > 0);
                        value = value.saturating_sub(1);
                    }
                    Op::Release(n) => {
                        if value + n > start {
                            prop_assert_eq!(sem.release_n(n), Err(ReleaseError::TooManyReleases));
                        } else {
                            prop_assert_eq!(sem.release_n(n), Ok(()));
                            value += n;
                        }
                    }
                    Op::Value => prop_assert_eq!(sem.value(), value),
                }
            }
            prop_assert_eq!(sem.value(), value);
        }
    }
}

// ---------------------------------------------------------------------------
// The models.

#[test]
fn a_release_of_nothing_leaves_a_waiter_to_the_next_release() {
    let sem: &'static BoundedSemaphore = Box::leak(Box::new(BoundedSemaphore::new(1)));
    sem.acquire();
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        sem.acquire();
        done.send(()).unwrap();
    });
    thread::sleep(Duration::from_millis(50)); // let it park
    sem.release_n(0).unwrap();
    sem.release().unwrap();
    assert_eq!(
        finished.recv_timeout(Duration::from_secs(10)),
        Ok(()),
        "the waiter was never woken"
    );
}

#[test]
fn a_release_past_what_a_semaphore_can_count_panics_and_changes_nothing() {
    let sem = Semaphore::new(1);
    let overflow = std::panic::catch_unwind(|| sem.release_n(usize::MAX / 2));
    let message = *overflow.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        format!(
            "semaphore permits overflow: 1 free permits and {} more would pass the most a semaphore can count (usize::MAX / 2)",
            usize::MAX / 2
        )
    );
    assert_eq!(sem.value(), 1, "unchanged: no permit lost");
    assert!(sem.try_acquire());
    sem.release_n(usize::MAX / 2); // from 0 it fits exactly
    assert_eq!(sem.value(), usize::MAX / 2);
}

use loom::model::Builder;
use syncbook_model::check::{bounded, for_book, leak, must_fail, outcomes, spawn, step_table};
use syncbook_model::semaphore::naive::ReadThenDecrement;
use syncbook_model::trace;

/// Counts the thread in, checks that at most `permits` are inside, counts
/// it out (loom may switch threads in between).
fn holder(inside: &loom::sync::atomic::AtomicUsize, permits: usize) {
    let now = inside.fetch_add(1, loom::sync::atomic::Ordering::SeqCst) + 1;
    trace::step("holds a permit; holders:", now);
    assert!(now <= permits, "{now} holders of {permits} permits");
    inside.fetch_sub(1, loom::sync::atomic::Ordering::SeqCst);
}

// ANCHOR: model_naive
#[test]
fn model_read_then_decrement_lets_too_many_in() {
    let failure = must_fail(&Builder::new(), || {
        let sem = leak(ReadThenDecrement::new(1));
        let inside = leak(loom::sync::atomic::AtomicUsize::new(0));
        let a = spawn("A", move || {
            sem.acquire();
            holder(inside, 1);
            sem.release();
        });
        sem.acquire();
        holder(inside, 1);
        sem.release();
        a.join().unwrap();
    });
    assert!(
        failure.message.contains("holders of 1 permits"),
        "{}",
        failure.message
    );
    insta::assert_snapshot!("naive_failure", for_book(&step_table(&failure.trace)));
}
// ANCHOR_END: model_naive

// ANCHOR: model_real
#[test]
fn model_never_more_holders_than_permits_three_threads_two_permits() {
    // Three threads explored in full take many minutes: every interleaving
    // with at most 3 preemptions, which covers every way for a third
    // thread to slip in between two others.
    let found = outcomes(&bounded(3), || {
        let sem = leak(syncbook_model::Semaphore::new(2));
        let inside = leak(loom::sync::atomic::AtomicUsize::new(0));
        let body = move || {
            sem.acquire();
            holder(inside, 2);
            sem.release();
        };
        let a = spawn("A", body);
        let b = spawn("B", body);
        body();
        a.join().unwrap(); // a waiter left behind would be a deadlock
        b.join().unwrap();
        sem.value()
    });
    assert_eq!(found.values(), vec![2]);
    insta::assert_snapshot!(
        "three_threads_two_permits",
        for_book(&format!(
            "3 threads, 2 permits: never more than 2 holders, every thread finished, in all {} executions.",
            found.executions
        ))
    );
}

#[test]
fn model_release_n_wakes_every_waiter_it_can() {
    let found = outcomes(&Builder::new(), || {
        let sem = leak(syncbook_model::Semaphore::new(0));
        let a = spawn("A", move || sem.acquire());
        let b = spawn("B", move || sem.acquire());
        sem.release_n(2);
        a.join().unwrap(); // both get through: nobody left waiting
        b.join().unwrap();
        sem.value()
    });
    assert_eq!(found.values(), vec![0]);
}

#[test]
fn model_bounded_release_is_all_or_nothing() {
    let found = outcomes(&Builder::new(), || {
        let sem = leak(syncbook_model::BoundedSemaphore::new(2));
        sem.acquire();
        let a = spawn("A", move || sem.release_n(2).is_ok());
        let mine = sem.release().is_ok();
        let theirs = a.join().unwrap();
        (mine, theirs, sem.value())
    });
    // Only one permit was out: the single release fits, the double never.
    assert_eq!(found.values(), vec![(true, false, 2)]);
}
// ANCHOR_END: model_real
