//! Grades the exercise `queue_bounded_buffer` (chapter "Queue"):
//! `cargo xtask exercises check queue_bounded_buffer`.

syncbook_exercises::graded!(
    "../queue/bounded_buffer.rs",
    "../solutions/queue_bounded_buffer.rs"
);

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let buffer = real::exercise::BoundedBuffer::new(3);
    for i in 0..3 {
        buffer.put(i);
    }
    assert_eq!([buffer.get(), buffer.get(), buffer.get()], [0, 1, 2]);
}

#[test]
fn two_producers_and_two_consumers_through_a_buffer_of_one() {
    let mut got = within(5, "two producers and two consumers", || {
        let buffer = leak(real::exercise::BoundedBuffer::new(1));
        let producers: Vec<_> = (0..2)
            .map(|p| {
                std::thread::spawn(move || {
                    for i in 0..2_000 {
                        buffer.put(p * 10_000 + i);
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                std::thread::spawn(move || (0..2_000).map(|_| buffer.get()).collect::<Vec<_>>())
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        consumers
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect::<Vec<_>>()
    });
    got.sort_unstable();
    let expected: Vec<_> = (0..2_000).chain(10_000..12_000).collect();
    assert_eq!(got, expected, "every item got exactly once");
}

// Bounded to 2 preemptions (as the chapter's model of the same deadlock):
// three threads, and the deadlock needs two.
#[test]
fn model_two_consumers_and_a_producer_all_finish() {
    assert_model(
        &bounded(2),
        "\"two consumers and a producer all finish, every item got once\"",
        || {
            let buffer = leak(model::exercise::BoundedBuffer::new(1));
            let a = spawn("A", move || buffer.get());
            let b = spawn("B", move || buffer.get());
            buffer.put(1);
            buffer.put(2);
            let mut got = [a.join().unwrap(), b.join().unwrap()];
            got.sort_unstable();
            assert_eq!(got, [1, 2]);
        },
    );
}

// Two threads, bounded to 3 preemptions. `A` fills the buffer of one,
// puts a second item, and then says so; `main` looks at what `A` said
// before it takes anything out. A `put` that does not wait for room would
// have returned by then.
#[test]
fn model_a_put_on_a_full_buffer_waits_for_a_get() {
    use syncbook_exercises::model::sync::{AtomicBool, Ordering};
    assert_model(
        &bounded(3),
        "\"a put on a full buffer returns only after a get made room\"",
        || {
            let buffer = leak(model::exercise::BoundedBuffer::new(1));
            let second_put = leak(AtomicBool::new(false));
            let a = spawn("A", move || {
                buffer.put(1);
                buffer.put(2);
                second_put.store(true, Ordering::SeqCst);
            });
            let returned = second_put.load(Ordering::SeqCst);
            syncbook_model::trace::step("checks: A's second put has returned:", returned);
            assert!(
                !returned,
                "the second put returned while the buffer of one was full"
            );
            assert_eq!([buffer.get(), buffer.get()], [1, 2]);
            a.join().unwrap();
        },
    );
}
