//! Grades the exercise `value_transfer` (chapter "The lost update"):
//! `cargo xtask exercises check value_transfer`.

syncbook_exercises::graded!("../value/transfer.rs", "../solutions/value_transfer.rs");

use syncbook::Array;
use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn a_transfer_moves_the_amount() {
    within(10, "one transfer on one thread", || {
        let accounts = Array::new(vec![10, 10]);
        real::exercise::transfer(&accounts, 0, 1, 3);
        assert_eq!(accounts.to_vec(), [7, 13]);
        assert_eq!(real::exercise::total(&accounts), 20);
    });
}

#[test]
fn total_adds_up_whatever_the_accounts_hold() {
    within(10, "totals on one thread", || {
        for start in [vec![0, 0], vec![5, 37], vec![-4, 100], vec![1, 2, 3]] {
            let accounts = Array::new(start.clone());
            assert_eq!(
                real::exercise::total(&accounts),
                start.iter().sum::<i64>(),
                "the total of {start:?}"
            );
        }
        let accounts = Array::new(vec![8, 1]);
        real::exercise::transfer(&accounts, 1, 0, 5);
        assert_eq!(accounts.to_vec(), [13, -4], "8 + 5 and 1 - 5");
    });
}

// Two real threads transferring back and forth lose a transfer only now
// and then (the race needs an unlucky moment): the models below find the
// losing interleaving every time, so they are the test of it.

// Both models are bounded to 3 preemptions (threads switched against their
// will at most three times): enough to find every lost update here, and
// quick.

#[test]
fn model_two_concurrent_transfers_lose_nothing() {
    assert_model(
        &bounded(3),
        "\"both transfers land: the accounts end at [6, 16]\"",
        || {
            let accounts = leak(syncbook_model::Array::new(vec![7, 15]));
            let a = spawn("A", move || model::exercise::transfer(accounts, 0, 1, 3));
            model::exercise::transfer(accounts, 1, 0, 2);
            a.join().unwrap();
            let end = accounts.to_vec();
            assert_eq!(
                end,
                [6, 16],
                "a transfer was lost: the accounts end at {end:?}"
            );
        },
    );
}

#[test]
fn model_total_never_sees_a_transfer_half_done() {
    assert_model(&bounded(3), "\"total is always 22\"", || {
        let accounts = leak(syncbook_model::Array::new(vec![7, 15]));
        let a = spawn("A", move || model::exercise::transfer(accounts, 0, 1, 3));
        let seen = model::exercise::total(accounts);
        a.join().unwrap();
        assert_eq!(seen, 22, "total saw {seen}: a transfer half done");
    });
}
