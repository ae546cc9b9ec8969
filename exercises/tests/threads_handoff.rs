//! Grades the exercise `threads_handoff` (chapter "Threads and processes"):
//! `cargo xtask exercises check threads_handoff`.

syncbook_exercises::graded!(
    "../threads-processes/handoff.rs",
    "../solutions/threads_handoff.rs"
);

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn a_value_sent_on_one_thread_is_received_on_another() {
    let got = within(30, "one hand-off", || {
        let handoff = leak(real::exercise::Handoff::new());
        let sender = std::thread::spawn(move || handoff.send(42));
        let got = handoff.recv();
        sender.join().unwrap();
        got
    });
    assert_eq!(got, 42);
}

#[test]
fn a_thousand_hand_offs_each_deliver_their_value() {
    let wrong = within(60, "a thousand hand-offs", || {
        let mut wrong = Vec::new();
        for i in 1..=1_000 {
            let handoff = leak(real::exercise::Handoff::new());
            let receiver = std::thread::spawn(move || handoff.recv());
            handoff.send(i);
            let got = receiver.join().unwrap();
            if got != i {
                wrong.push((i, got));
            }
        }
        wrong
    });
    assert!(
        wrong.is_empty(),
        "(sent, received) for the hand-offs that went wrong: {wrong:?}"
    );
}

// One sender and the receiver, bounded to 3 preemptions, which for this
// model is no bound at all: loom explores the same 12 executions without
// one, in a few milliseconds. (With a bound of 0 it explores 1 execution
// and misses the stale read.)
#[test]
fn model_the_receiver_reads_the_data_that_was_sent() {
    assert_model(
        &bounded(3),
        "\"when recv returns, it returns the value sent\"",
        || {
            let handoff = leak(model::exercise::Handoff::new());
            let sender = spawn("A", move || handoff.send(42));
            let got = handoff.recv();
            sender.join().unwrap();
            syncbook_model::trace::step("checks: received", got);
            assert_eq!(got, 42, "recv saw ready = true, but read stale data");
        },
    );
}
