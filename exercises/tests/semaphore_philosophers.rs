//! Grades the exercise `semaphore_philosophers` (chapter "Semaphore and BoundedSemaphore"):
//! `cargo xtask exercises check semaphore_philosophers`.

syncbook_exercises::graded!(
    "../semaphore/philosophers.rs",
    "../solutions/semaphore_philosophers.rs"
);

use std::sync::atomic::{AtomicUsize, Ordering};

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn one_philosopher_alone_eats() {
    let table = real::exercise::Table::new();
    within(10, "one philosopher dining alone", move || {
        for seat in 0..real::exercise::SEATS {
            table.dine(seat);
        }
    });
}

#[test]
fn three_philosophers_eat_a_thousand_times_each() {
    let meals = within(10, "three philosophers' dinners", || {
        let table = leak(real::exercise::Table::new());
        let meals = leak(AtomicUsize::new(0));
        let seats: Vec<_> = (0..real::exercise::SEATS)
            .map(|seat| {
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        table.dine(seat);
                        meals.fetch_add(1, Ordering::Relaxed);
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
        "\"every philosopher gets to eat (no deadlock)\"",
        || {
            let table = leak(model::exercise::Table::new());
            let a = spawn("A", move || table.dine(1));
            let b = spawn("B", move || table.dine(2));
            table.dine(0);
            a.join().unwrap();
            b.join().unwrap();
        },
    );
}
