//! Grades the exercise `pipe_last_message` (chapter "Pipe"):
//! `cargo xtask exercises check pipe_last_message`.

syncbook_exercises::graded!(
    "../pipe/last_message.rs",
    "../solutions/pipe_last_message.rs"
);

use syncbook_exercises::{assert_model, bounded, leak, spawn, within};

#[test]
fn messages_then_end_of_file_then_end_of_file_again() {
    let channel = real::exercise::Channel::new();
    channel.send(1);
    channel.send(2);
    channel.close();
    assert_eq!(
        channel.recv(),
        Some(1),
        "pending messages come before the end"
    );
    assert_eq!(channel.recv(), Some(2));
    assert_eq!(channel.recv(), None);
    assert_eq!(channel.recv(), None, "the end of file stays");
}

#[test]
fn a_thousand_messages_from_another_thread_all_arrive() {
    let got = within(30, "a thousand messages", || {
        let channel = leak(real::exercise::Channel::new());
        let sender = std::thread::spawn(move || {
            for i in 0..1_000 {
                channel.send(i);
            }
            channel.close();
        });
        let got: Vec<_> = std::iter::from_fn(|| channel.recv()).collect();
        sender.join().unwrap();
        got
    });
    assert_eq!(
        got.len(),
        1_000,
        "received {} of 1,000 messages: the last ones are missing",
        got.len()
    );
    assert_eq!(got, (0..1_000).collect::<Vec<_>>(), "in the order sent");
}

// Bounded to 3 preemptions: the lost message needs one.
#[test]
fn model_the_last_message_before_close_arrives() {
    assert_model(
        &bounded(3),
        "\"the message sent before close is received, then the end of file\"",
        || {
            let channel = leak(model::exercise::Channel::new());
            let a = spawn("A", move || {
                channel.send(1);
                channel.close();
            });
            let first = channel.recv();
            let second = if first.is_some() {
                channel.recv()
            } else {
                None
            };
            a.join().unwrap();
            assert_eq!(
                (first, second),
                (Some(1), None),
                "received {first:?} then {second:?}"
            );
        },
    );
}
