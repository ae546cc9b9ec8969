//! Grades the exercise `semaphore_philosophers` (chapter "Semaphore and BoundedSemaphore"):
//! `cargo xtask exercises check semaphore_philosophers`.

syncbook_exercises::graded!(
    "../semaphore/philosophers.rs",
    "../solutions/semaphore_philosophers.rs"
);

use std::sync::atomic::{AtomicUsize, Ordering};

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

/// The forks in use, for the tests' `eat`: one counter per fork.
type Forks = [AtomicUsize; 3];

/// What the philosopher at `seat` does while eating: takes note of both
/// of its forks, checks that nobody else has either, and puts them back.
macro_rules! eat {
    ($forks:expr, $seat:expr) => {{
        let seat: usize = $seat;
        let mine = [seat, (seat + 1) % 3];
        for fork in mine {
            let others = $forks[fork].fetch_add(1, Ordering::SeqCst);
            assert_eq!(
                others, 0,
                "philosopher {seat} eats with fork {fork}, which a neighbour holds"
            );
        }
        for fork in mine {
            $forks[fork].fetch_sub(1, Ordering::SeqCst);
        }
    }};
}

/// `eat!` on std's atomics, for real threads.
fn eat(forks: &Forks, seat: usize) {
    eat!(forks, seat)
}

/// `eat!` on loom's atomics, so that loom can switch threads while a
/// philosopher eats.
fn eat_in_model(forks: &[syncbook_exercises::model::sync::AtomicUsize; 3], seat: usize) {
    use syncbook_exercises::model::sync::Ordering;
    eat!(forks, seat)
}

#[test]
fn one_philosopher_alone_eats() {
    let table = real::exercise::Table::new();
    within(10, "one philosopher dining alone", move || {
        let forks = Forks::default();
        for seat in 0..real::exercise::SEATS {
            let mut ate = false;
            table.dine(seat, || {
                eat(&forks, seat);
                ate = true;
            });
            assert!(ate, "philosopher {seat} dined without eating");
        }
    });
}

#[test]
fn three_philosophers_eat_a_thousand_times_each() {
    let meals = within(10, "three philosophers' dinners", || {
        let table = leak(real::exercise::Table::new());
        let meals = leak(AtomicUsize::new(0));
        let forks: &Forks = leak(Forks::default());
        let seats: Vec<_> = (0..real::exercise::SEATS)
            .map(|seat| {
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        table.dine(seat, || {
                            eat(forks, seat);
                            meals.fetch_add(1, Ordering::Relaxed);
                        });
                    }
                })
            })
            .collect();
        for seat in seats {
            seat.join().unwrap();
        }
        meals.load(Ordering::Relaxed)
    });
    assert_eq!(meals, 3_000);
}

// Bounded to 2 preemptions: enough for all three to pick up their left
// fork, and it keeps three threads' exploration to seconds.
#[test]
fn model_all_three_philosophers_eat() {
    assert_model(
        &bounded(2),
        "\"every philosopher gets to eat (no deadlock), and no fork is held by two\"",
        || {
            let table = leak(model::exercise::Table::new());
            let forks = leak(<[syncbook_exercises::model::sync::AtomicUsize; 3]>::default());
            let a = spawn("A", move || table.dine(1, || eat_in_model(forks, 1)));
            let b = spawn("B", move || table.dine(2, || eat_in_model(forks, 2)));
            table.dine(0, || eat_in_model(forks, 0));
            a.join().unwrap();
            b.join().unwrap();
        },
    );
}
