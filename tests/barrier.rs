//! Chapter "Barrier".
//!
//! `cargo test --test barrier` runs this chapter; `cargo test --test
//! barrier model_` runs only its loom models.

mod common;
use common::eventually;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use syncbook::{Barrier, BrokenBarrierError};

// ANCHOR: facts
#[test]
fn the_last_arrival_releases_all_with_distinct_indices_round_after_round() {
    const PARTIES: usize = 3;
    const ROUNDS: usize = 50;
    let barrier = Barrier::new(PARTIES);
    let arrived: Vec<AtomicUsize> = (0..ROUNDS).map(|_| AtomicUsize::new(0)).collect();
    let indices: Vec<Vec<usize>> = thread::scope(|s| {
        let threads: Vec<_> = (0..PARTIES)
            .map(|_| {
                s.spawn(|| {
                    (0..ROUNDS)
                        .map(|round| {
                            arrived[round].fetch_add(1, Ordering::SeqCst);
                            let index = barrier.wait().unwrap();
                            // Nobody leaves a round before all have arrived,
                            // and nobody runs into the next one early.
                            assert_eq!(arrived[round].load(Ordering::SeqCst), PARTIES);
                            index
                        })
                        .collect()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for round in 0..ROUNDS {
        let mut got: Vec<usize> = indices.iter().map(|t| t[round]).collect();
        got.sort();
        assert_eq!(got, vec![0, 1, 2], "round {round}");
    }
    assert_eq!(barrier.parties(), 3);
    assert_eq!(barrier.n_waiting(), 0);
}

#[test]
fn a_timeout_breaks_the_barrier_for_everyone_late_arrivals_included() {
    let barrier = Barrier::new(3);
    thread::scope(|s| {
        let patient = s.spawn(|| barrier.wait());
        eventually("one waits", || barrier.n_waiting() == 1);
        let start = Instant::now();
        assert_eq!(
            barrier.wait_timeout(Duration::from_millis(20)),
            Err(BrokenBarrierError)
        );
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert_eq!(patient.join().unwrap(), Err(BrokenBarrierError));
    });
    assert!(barrier.broken());
    assert_eq!(barrier.wait(), Err(BrokenBarrierError), "fails at once");
    assert_eq!(
        BrokenBarrierError.to_string(),
        "the barrier is broken: a thread timed out, or it was aborted or reset"
    );
}

#[test]
fn abort_breaks_it_and_reset_makes_it_usable_again() {
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        let waiter = s.spawn(|| barrier.wait());
        eventually("one waits", || barrier.n_waiting() == 1);
        barrier.abort();
        assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
    });
    assert!(barrier.broken());
    barrier.reset();
    assert!(!barrier.broken());
    thread::scope(|s| {
        let other = s.spawn(|| barrier.wait());
        let mine = barrier.wait().unwrap();
        assert_eq!(mine + other.join().unwrap().unwrap(), 1); // indices 0 and 1
    });
}

#[test]
fn reset_fails_the_current_waiters_then_the_barrier_works() {
    let barrier = Barrier::new(3);
    thread::scope(|s| {
        let a = s.spawn(|| barrier.wait());
        let b = s.spawn(|| barrier.wait());
        eventually("two wait", || barrier.n_waiting() == 2);
        barrier.reset();
        assert_eq!(a.join().unwrap(), Err(BrokenBarrierError));
        assert_eq!(b.join().unwrap(), Err(BrokenBarrierError));
    });
    assert!(!barrier.broken());
    thread::scope(|s| {
        let others: Vec<_> = (0..2).map(|_| s.spawn(|| barrier.wait())).collect();
        assert!(barrier.wait().is_ok());
        for o in others {
            assert!(o.join().unwrap().is_ok());
        }
    });
}

#[test]
#[should_panic(expected = "at least one party")]
fn a_barrier_for_nobody_is_refused() {
    let _ = Barrier::new(0);
}
// ANCHOR_END: facts

// ---------------------------------------------------------------------------
// The models.

use loom::model::Builder;
use syncbook_model::barrier::naive::CounterAndFlag;
use syncbook_model::check::{bounded, for_book, leak, must_fail, outcomes, spawn, step_table};
use syncbook_model::trace;

type Arrivals = [loom::sync::atomic::AtomicUsize; 2];

/// One thread's two rounds: count in, wait, and check that every party of
/// this round had arrived before anyone left it.
fn two_rounds(parties: usize, arrived: &Arrivals, wait: impl Fn()) {
    for (round, count) in arrived.iter().enumerate() {
        count.fetch_add(1, loom::sync::atomic::Ordering::SeqCst);
        wait();
        let seen = count.load(loom::sync::atomic::Ordering::SeqCst);
        trace::step(&format!("leaves round {}; arrived in it:", round + 1), seen);
        assert_eq!(seen, parties, "left round {} before all arrived", round + 1);
    }
}

fn arrivals() -> &'static Arrivals {
    leak([
        loom::sync::atomic::AtomicUsize::new(0),
        loom::sync::atomic::AtomicUsize::new(0),
    ])
}

// ANCHOR: model_naive
#[test]
fn model_counter_and_flag_fails_when_reused() {
    let failure = must_fail(&Builder::new(), || {
        let barrier = leak(CounterAndFlag::new(2));
        let arrived = arrivals();
        let a = spawn("A", move || two_rounds(2, arrived, || barrier.wait()));
        two_rounds(2, arrived, || barrier.wait());
        a.join().unwrap();
    });
    assert!(
        failure.message.contains("before all arrived"),
        "{}",
        failure.message
    );
    insta::assert_snapshot!("naive_failure", for_book(&step_table(&failure.trace)));
}
// ANCHOR_END: model_naive

// ANCHOR: model_real
/// Three threads, every interleaving with no preemption at all (threads
/// switch only where one blocks or ends): what `cargo test` runs.
#[test]
fn model_nobody_leaves_a_round_early_three_threads_two_rounds() {
    let found = outcomes(&bounded(0), || {
        let barrier = leak(syncbook_model::Barrier::new(3));
        let arrived = arrivals();
        let body = move || two_rounds(3, arrived, || assert!(barrier.wait().is_ok()));
        let a = spawn("A", body);
        let b = spawn("B", body);
        body();
        a.join().unwrap();
        b.join().unwrap();
        barrier.n_waiting()
    });
    assert_eq!(found.values(), vec![0]);
    println!(
        "3 threads x 2 rounds: nobody left a round early, every thread finished, explored: {}.",
        found.explored()
    );
}
// ANCHOR_END: model_real

// ANCHOR: model_deep
/// The same, deeper: at most one preemption. A bound of 1 does not reach
/// an execution in which two threads are each switched out against their
/// will (say, one in each round); a bound of 2 did not finish in eight
/// minutes.
#[test]
#[ignore = "deep: 3 threads, preemption bound 1, about 10 s"]
fn model_nobody_leaves_a_round_early_three_threads_two_rounds_deep() {
    let found = outcomes(&bounded(1), || {
        let barrier = leak(syncbook_model::Barrier::new(3));
        let arrived = arrivals();
        let body = move || two_rounds(3, arrived, || assert!(barrier.wait().is_ok()));
        let a = spawn("A", body);
        let b = spawn("B", body);
        body();
        a.join().unwrap();
        b.join().unwrap();
        barrier.n_waiting()
    });
    assert_eq!(found.values(), vec![0]);
    insta::assert_snapshot!(
        "three_threads_two_rounds",
        for_book(&format!(
            "3 threads x 2 rounds: nobody left a round early, every thread finished, explored: {}.",
            found.explored()
        ))
    );
}
// ANCHOR_END: model_deep

// ANCHOR: model_real_two
#[test]
fn model_nobody_leaves_a_round_early_two_threads_two_rounds() {
    // Two threads: a deeper search (preemption bound 3) than three allow.
    let found = outcomes(&bounded(3), || {
        let barrier = leak(syncbook_model::Barrier::new(2));
        let arrived = arrivals();
        let body = move || two_rounds(2, arrived, || assert!(barrier.wait().is_ok()));
        let a = spawn("A", body);
        body();
        a.join().unwrap();
        barrier.n_waiting()
    });
    assert_eq!(found.values(), vec![0]);
    insta::assert_snapshot!(
        "two_threads_two_rounds",
        for_book(&format!(
            "2 threads x 2 rounds: nobody left a round early, every thread finished, explored: {}.",
            found.explored()
        ))
    );
}

#[test]
fn model_a_timeout_breaks_it_for_both_or_neither() {
    let found = outcomes(&Builder::new(), || {
        let barrier = leak(syncbook_model::Barrier::new(2));
        let a = spawn("A", move || {
            barrier
                .wait_timeout(std::time::Duration::from_millis(1))
                .is_ok()
        });
        let mine = barrier.wait().is_ok();
        let theirs = a.join().unwrap();
        (mine, theirs, barrier.broken())
    });
    // Under loom the timeout may strike at any moment: either the round
    // completes for both, or it breaks for both. Never one of each.
    assert_eq!(
        found.values(),
        vec![(false, false, true), (true, true, false)]
    );
}
// ANCHOR_END: model_real_two

// ---------------------------------------------------------------------------
// The same models over a small trait, run against the real barrier (which
// must pass) and its broken twins (`syncbook_model::twins::barrier`), which
// must each fail, for the reason named.

type ModelBroken = syncbook_model::BrokenBarrierError;
use syncbook_model::twins::barrier::{Mistake, TwinBarrier};

trait ModelBarrier: Sync + 'static {
    fn for_parties(parties: usize) -> Self;
    fn wait(&self) -> Result<usize, ModelBroken>;
    fn reset(&self);
    fn abort(&self);
    fn n_waiting(&self) -> usize;
    fn broken(&self) -> bool;
}

impl ModelBarrier for syncbook_model::Barrier {
    fn for_parties(parties: usize) -> Self {
        syncbook_model::Barrier::new(parties)
    }
    fn wait(&self) -> Result<usize, ModelBroken> {
        syncbook_model::Barrier::wait(self)
    }
    fn reset(&self) {
        syncbook_model::Barrier::reset(self);
    }
    fn abort(&self) {
        syncbook_model::Barrier::abort(self);
    }
    fn n_waiting(&self) -> usize {
        syncbook_model::Barrier::n_waiting(self)
    }
    fn broken(&self) -> bool {
        syncbook_model::Barrier::broken(self)
    }
}

macro_rules! twin_barrier {
    ($twin:ident) => {
        struct $twin(TwinBarrier);
        impl ModelBarrier for $twin {
            fn for_parties(parties: usize) -> Self {
                $twin(TwinBarrier::new(parties, Mistake::$twin))
            }
            fn wait(&self) -> Result<usize, ModelBroken> {
                self.0.wait()
            }
            fn reset(&self) {
                self.0.reset();
            }
            fn abort(&self) {
                self.0.abort();
            }
            fn n_waiting(&self) -> usize {
                self.0.n_waiting()
            }
            fn broken(&self) -> bool {
                self.0.broken()
            }
        }
    };
}
twin_barrier!(RoundNotAdvanced);
twin_barrier!(NoWaitForDrain);
twin_barrier!(ResetWithoutNotify);

/// `threads` threads (`main` and `A`, then `B`) through two rounds of a
/// barrier for as many: nobody leaves a round before all have arrived,
/// and nobody is left waiting.
fn rounds<B: ModelBarrier>(threads: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let barrier: &B = leak(B::for_parties(threads));
        let arrived = arrivals();
        let body = move || two_rounds(threads, arrived, || assert!(barrier.wait().is_ok()));
        let others: Vec<_> = ["A", "B"][..threads - 1]
            .iter()
            .map(|name| spawn(name, body))
            .collect();
        body();
        for t in others {
            t.join().unwrap();
        }
    }
}

/// Lets the model's other threads run until `done()` holds.
fn spin_until(done: impl Fn() -> bool) {
    while !done() {
        loom::thread::yield_now();
    }
}

/// A barrier for 2: `A` waits; `main`, once `A` is waiting, resets it.
/// `A`'s wait fails; then the barrier works again for both.
fn reset_while_waiting<B: ModelBarrier>() {
    let barrier: &B = leak(B::for_parties(2));
    let a = spawn("A", move || {
        (barrier.wait().is_ok(), barrier.wait().is_ok())
    });
    spin_until(|| barrier.n_waiting() == 1);
    barrier.reset();
    let mine = barrier.wait().is_ok();
    assert_eq!(
        (a.join().unwrap(), mine),
        ((false, true), true),
        "the waiter's wait fails, then the next round works"
    );
}

/// A barrier for 2: `A` waits; `main`, once `A` is waiting, aborts it.
/// `A`'s wait fails, and so does every later wait.
fn abort_while_waiting<B: ModelBarrier>() {
    let barrier: &B = leak(B::for_parties(2));
    let a = spawn("A", move || barrier.wait().is_ok());
    spin_until(|| barrier.n_waiting() == 1);
    barrier.abort();
    let mine = barrier.wait().is_ok();
    assert_eq!(
        (a.join().unwrap(), mine, barrier.broken()),
        (false, false, true),
        "every wait fails after abort"
    );
}

#[test]
fn model_reset_while_a_thread_waits_fails_its_wait_and_nothing_hangs() {
    let found = outcomes(&bounded(3), reset_while_waiting::<syncbook_model::Barrier>);
    insta::assert_snapshot!(
        "reset_while_waiting",
        for_book(&format!(
            "reset while `A` waits: its wait fails, the next round works, nothing hangs, explored: {} (2 threads).",
            found.explored()
        ))
    );
}

#[test]
fn model_abort_while_a_thread_waits_fails_every_wait_and_nothing_hangs() {
    let found = outcomes(&bounded(3), abort_while_waiting::<syncbook_model::Barrier>);
    insta::assert_snapshot!(
        "abort_while_waiting",
        for_book(&format!(
            "abort while `A` waits: every wait fails, nothing hangs, explored: {} (2 threads).",
            found.explored()
        ))
    );
}

#[test]
fn model_rejects_barrier_round_not_advanced() {
    let failure = must_fail(&bounded(3), rounds::<RoundNotAdvanced>(2));
    assert!(failure.is_deadlock(), "{}", failure.message);
    println!("{}", failure.report("the twin's failure"));
}

#[test]
fn model_rejects_barrier_without_waiting_for_the_drain() {
    let failure = must_fail(&bounded(3), rounds::<NoWaitForDrain>(2));
    assert!(
        failure.message.contains("before all arrived"),
        "{}",
        failure.message
    );
    println!("{}", failure.report("the twin's failure"));
}

#[test]
fn model_rejects_barrier_reset_without_notify() {
    let failure = must_fail(&bounded(3), reset_while_waiting::<ResetWithoutNotify>);
    assert!(failure.is_deadlock(), "{}", failure.message);
    println!("{}", failure.report("the twin's failure"));
}
