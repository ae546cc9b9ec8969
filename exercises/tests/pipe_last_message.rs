//! Grades the exercise `pipe_last_message` (chapter "Pipe"):
//! `cargo xtask exercises check pipe_last_message`.

/// The graded file: the student's, the pristine copy (feature `pristine`)
/// or the reference solution (feature `solutions`), as a module `exercise`.
macro_rules! graded {
    () => {
        #[cfg_attr(
            not(any(feature = "pristine", feature = "solutions")),
            path = "../pipe/last_message.rs"
        )]
        #[cfg_attr(feature = "pristine", path = "../.pristine/pipe/last_message.rs")]
        #[cfg_attr(feature = "solutions", path = "../solutions/pipe_last_message.rs")]
        // An unsolved exercise may leave parts unused; and the file is
        // compiled twice on purpose (std and loom), which clippy flags.
        #[allow(dead_code, unused_imports, clippy::duplicate_mod)]
        pub mod exercise;
    };
}

/// The exercise on std's threads and the crate `syncbook`. (`path = "."`:
/// the graded file's path is relative to this folder, not to `real/`.)
#[path = "."]
mod real {
    use syncbook_exercises::real as kit;
    graded!();
}

/// The same exercise on loom's threads and `syncbook_model`.
#[path = "."]
mod model {
    use syncbook_exercises::model as kit;
    graded!();
}

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
    assert_eq!(got, (0..1_000).collect::<Vec<_>>());
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
