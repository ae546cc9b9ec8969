//! Chapter "Semaphore and BoundedSemaphore".
//!
//! `cargo test --test semaphore` runs this chapter; `cargo test --test
//! semaphore model_` runs only its loom models.

mod common;

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

// ANCHOR: ordinary
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

// Stray wake-ups, on real threads (`common::stray_unparks`): one permit,
// three workers, so that two can be queued at once.
#[test]
fn stray_unparks_neither_let_a_waiter_in_nor_lose_its_wake_up() {
    let (count, value) = common::stray_unparks(
        Semaphore::new(1),
        |sem, increment| {
            let _permit = sem.guard();
            increment();
        },
        Semaphore::value,
    );
    assert_eq!(
        count,
        3 * common::STRAY_ROUNDS,
        "two threads held the one permit at once"
    );
    assert_eq!(value, 1, "the permit was not given back");
}
// ANCHOR_END: ordinary

use loom::model::Builder;
use syncbook_model::check::{bounded, for_book, leak, must_fail, outcomes, spawn, step_table};
use syncbook_model::semaphore::naive::ReadThenDecrement;
use syncbook_model::trace;
use syncbook_model::twins::semaphore as twins;

/// Counts the thread in, checks that at most `permits` are inside, counts
/// it out (loom may switch threads in between).
fn holder(inside: &loom::sync::atomic::AtomicUsize, permits: usize) {
    let now = inside.fetch_add(1, loom::sync::atomic::Ordering::Relaxed) + 1;
    trace::step("holds a permit; holders:", now);
    assert!(now <= permits, "{now} holders of {permits} permits");
    inside.fetch_sub(1, loom::sync::atomic::Ordering::Relaxed);
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

/// What the models need of a semaphore.
trait SemaphoreLike: Send + Sync + 'static {
    fn new(permits: usize) -> Self;
    fn acquire(&self);
    fn release(&self);
    fn value(&self) -> usize;
}

impl SemaphoreLike for syncbook_model::Semaphore {
    fn new(permits: usize) -> Self {
        syncbook_model::Semaphore::new(permits)
    }
    fn acquire(&self) {
        syncbook_model::Semaphore::acquire(self)
    }
    fn release(&self) {
        syncbook_model::Semaphore::release(self)
    }
    fn value(&self) -> usize {
        syncbook_model::Semaphore::value(self)
    }
}

macro_rules! semaphore_like {
    ($($twin:ident),*) => {$(
        impl SemaphoreLike for twins::$twin {
            fn new(permits: usize) -> Self { twins::$twin::new(permits) }
            fn acquire(&self) { twins::$twin::acquire(self) }
            fn release(&self) { twins::$twin::release_n(self, 1) }
            fn value(&self) -> usize { twins::$twin::value(self) }
        }
    )*};
}
semaphore_like!(CheckThenAct, GiveWithoutWake, WokenForgetsWaiters);

/// The data one permit guards, in a loom `UnsafeCell`: loom reports any two
/// accesses to it that the semaphore fails to order.
struct Guarded(loom::cell::UnsafeCell<u32>);

// SAFETY: only touched by the holder of the one permit; if the semaphore
// lets two in (or does not order one holder's write before the next
// holder's), loom reports it before anything undefined happens.
unsafe impl Sync for Guarded {}

// ANCHOR: model_real
// ANCHOR: model_one_permit
/// The model: a semaphore with one permit; `threads` threads (the model's
/// own included) each take it `rounds` times, hold it (checking that they
/// are alone, and writing the data it guards) and give it back. Then the
/// model's own thread takes it once more: a thread left parked, or a permit
/// lost, is a deadlock that loom reports. With three threads, two can be
/// waiting at once: the `WAITERS` rule for a woken thread is exercised.
fn one_permit<S: SemaphoreLike>(
    threads: usize,
    rounds: usize,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        // Shared through std's `Arc`, which loom does not see, rather than
        // `leak`: the full run has millions of executions, and `leak` would
        // keep every one's semaphore until the test ends.
        let room = std::sync::Arc::new((
            S::new(1),
            loom::sync::atomic::AtomicUsize::new(0),
            Guarded(loom::cell::UnsafeCell::new(0)),
        ));
        let body = move |room: std::sync::Arc<(S, _, Guarded)>| {
            let (sem, inside, data) = &*room;
            for _ in 0..rounds {
                sem.acquire();
                holder(inside, 1);
                // SAFETY: see `Guarded`.
                data.0.with_mut(|p| unsafe { *p += 1 });
                sem.release();
            }
        };
        let others: Vec<_> = ["A", "B", "C"][..threads - 1]
            .iter()
            .map(|name| {
                let room = room.clone();
                spawn(name, move || body(room))
            })
            .collect();
        body(room.clone());
        for t in others {
            t.join().unwrap();
        }
        let sem = &room.0;
        sem.acquire();
        sem.release();
        assert_eq!(sem.value(), 1, "the permit is back");
    }
}

#[test]
fn model_one_permit_two_threads_two_rounds() {
    let found = outcomes(
        &Builder::new(),
        one_permit::<syncbook_model::Semaphore>(2, 2),
    );
    insta::assert_snapshot!(
        "one_permit_two_threads",
        for_book(&format!(
            "1 permit, 2 threads x 2 rounds: one holder at a time, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

#[test]
fn model_one_permit_three_threads() {
    // Bounded; the ignored test below explores every interleaving.
    let found = outcomes(&bounded(4), one_permit::<syncbook_model::Semaphore>(3, 1));
    insta::assert_snapshot!(
        "one_permit_three_threads",
        for_book(&format!(
            "1 permit, 3 threads: one holder at a time, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

// ANCHOR_END: model_one_permit

// ANCHOR: model_more
#[test]
fn model_never_more_holders_than_permits_three_threads_two_permits() {
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
            "2 permits, 3 threads: never more than 2 holders, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

/// Two threads wait on an empty semaphore; one `release_n(2)` must let
/// both through (a waiter left behind is a deadlock).
fn release_n_wakes_both() -> usize {
    let sem = leak(syncbook_model::Semaphore::new(0));
    let a = spawn("A", move || sem.acquire());
    let b = spawn("B", move || sem.acquire());
    sem.release_n(2);
    a.join().unwrap();
    b.join().unwrap();
    sem.value()
}

#[test]
fn model_release_n_wakes_every_waiter_it_can() {
    // Bounded; the ignored test below explores every interleaving.
    let found = outcomes(&bounded(4), release_n_wakes_both);
    assert_eq!(found.values(), vec![0]);
}

/// What the bounded model needs of a bounded semaphore.
trait BoundedLike: Send + Sync + 'static {
    fn new(permits: usize) -> Self;
    fn acquire(&self);
    fn release_n(&self, n: usize) -> bool;
    fn value(&self) -> usize;
}

impl BoundedLike for syncbook_model::BoundedSemaphore {
    fn new(permits: usize) -> Self {
        syncbook_model::BoundedSemaphore::new(permits)
    }
    fn acquire(&self) {
        syncbook_model::BoundedSemaphore::acquire(self)
    }
    fn release_n(&self, n: usize) -> bool {
        syncbook_model::BoundedSemaphore::release_n(self, n).is_ok()
    }
    fn value(&self) -> usize {
        syncbook_model::BoundedSemaphore::value(self)
    }
}

impl BoundedLike for twins::BoundedCheckAfterAdd {
    fn new(permits: usize) -> Self {
        twins::BoundedCheckAfterAdd::new(permits)
    }
    fn acquire(&self) {
        twins::BoundedCheckAfterAdd::acquire(self)
    }
    fn release_n(&self, n: usize) -> bool {
        twins::BoundedCheckAfterAdd::release_n(self, n)
    }
    fn value(&self) -> usize {
        twins::BoundedCheckAfterAdd::value(self)
    }
}

/// Two permits, one taken; a single release and a double one race. Only
/// one permit was out: the single release must fit, the double never.
fn all_or_nothing<S: BoundedLike>() -> impl Fn() -> (bool, bool, usize) + Send + Sync + 'static {
    || {
        let sem = leak(S::new(2));
        sem.acquire();
        let a = spawn("A", move || sem.release_n(2));
        let mine = sem.release_n(1);
        let theirs = a.join().unwrap();
        let outcome = (mine, theirs, sem.value());
        assert_eq!(outcome, (true, false, 2), "(single ok, double ok, value)");
        outcome
    }
}

#[test]
fn model_bounded_release_is_all_or_nothing() {
    let found = outcomes(
        &Builder::new(),
        all_or_nothing::<syncbook_model::BoundedSemaphore>(),
    );
    assert_eq!(found.values(), vec![(true, false, 2)]);
}
// ANCHOR_END: model_more
// ANCHOR_END: model_real

#[test]
#[ignore = "deep: the one-permit, three-thread model with no preemption bound"]
fn model_one_permit_three_threads_every_interleaving() {
    let found = outcomes(
        &Builder::new(),
        one_permit::<syncbook_model::Semaphore>(3, 1),
    );
    insta::assert_snapshot!(
        "one_permit_three_threads_full",
        for_book(&format!(
            "1 permit, 3 threads: one holder at a time, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

#[test]
#[ignore = "deep: release_n with two waiters, no preemption bound"]
fn model_release_n_wakes_every_waiter_it_can_every_interleaving() {
    let found = outcomes(&Builder::new(), release_n_wakes_both);
    assert_eq!(found.values(), vec![0]);
}

// ANCHOR: twins
#[test]
fn model_rejects_semaphore_with_check_then_act() {
    // Two threads load the same free permit, and both take it.
    let failure = must_fail(&Builder::new(), one_permit::<twins::CheckThenAct>(2, 2));
    assert!(failure.is_causality_violation(), "{}", failure.message);
}

#[test]
fn model_rejects_semaphore_whose_give_does_not_wake() {
    let failure = must_fail(&Builder::new(), one_permit::<twins::GiveWithoutWake>(2, 2));
    assert!(failure.is_deadlock(), "{}", failure.message);
}

#[test]
fn model_rejects_semaphore_whose_woken_taker_forgets_the_waiters() {
    // Needs two waiters at once: the three-thread model, with its bound.
    let failure = must_fail(&bounded(4), one_permit::<twins::WokenForgetsWaiters>(3, 1));
    assert!(failure.is_deadlock(), "{}", failure.message);
}

#[test]
fn model_rejects_bounded_semaphore_that_checks_after_adding() {
    let failure = must_fail(&Builder::new(), move || {
        all_or_nothing::<twins::BoundedCheckAfterAdd>()();
    });
    assert!(
        failure.message.contains("(single ok, double ok, value)"),
        "{}",
        failure.message
    );
}
// ANCHOR_END: twins
