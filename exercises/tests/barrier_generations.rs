//! Grades the exercise `barrier_generations` (chapter "Barrier"):
//! `cargo xtask exercises check barrier_generations`.

syncbook_exercises::graded!(
    "../barrier/generations.rs",
    "../solutions/barrier_generations.rs"
);

use syncbook_exercises::model::sync::{AtomicUsize, Ordering};
use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn one_party_never_waits() {
    let barrier = real::exercise::SpinBarrier::new(1);
    within(10, "a barrier of one", move || {
        for _ in 0..3 {
            barrier.wait();
        }
    });
}

#[test]
fn three_threads_keep_in_step_for_many_rounds() {
    within(30, "three threads, 200 rounds", || {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let barrier = leak(real::exercise::SpinBarrier::new(3));
        let rounds: &[AtomicUsize; 3] = leak(Default::default());
        let threads: Vec<_> = (0..3)
            .map(|me| {
                std::thread::spawn(move || {
                    for round in 1..=200 {
                        rounds[me].store(round, Ordering::SeqCst);
                        barrier.wait();
                        for (other, theirs) in rounds.iter().enumerate() {
                            let theirs = theirs.load(Ordering::SeqCst);
                            assert!(
                                theirs >= round,
                                "thread {me} left round {round} while thread {other} was in round {theirs}"
                            );
                        }
                        barrier.wait(); // nobody starts the next round early
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    });
}

// Two threads, two rounds, bounded to 3 preemptions: the reuse bug needs
// none at all, and spinning waits make the full exploration long.
#[test]
fn model_nobody_leaves_a_round_early() {
    assert_model(
        &bounded(3),
        "\"no thread leaves a round before the other has arrived in it\"",
        || {
            let barrier = leak(model::exercise::SpinBarrier::new(2));
            let rounds: &[AtomicUsize; 2] = leak([AtomicUsize::new(0), AtomicUsize::new(0)]);
            let party = move |me: usize| {
                for round in 1..=2 {
                    rounds[me].store(round, Ordering::SeqCst);
                    syncbook_model::trace::step("starts round", round);
                    barrier.wait();
                    let theirs = rounds[1 - me].load(Ordering::SeqCst);
                    assert!(
                        theirs >= round,
                        "a thread left round {round} while the other was in round {theirs}"
                    );
                }
            };
            let a = spawn("A", move || party(1));
            party(0);
            a.join().unwrap();
        },
    );
}
