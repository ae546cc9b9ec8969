//! Chapter "Pipe": messages between threads, and the end of file.
//!
//! `cargo test --test pipe` runs this chapter's in-process tests and
//! models (`cargo test --test pipe model_` the models only);
//! `cargo test --test pipe_process` the tests between two processes.

use std::thread;
use std::time::{Duration, Instant};

use syncbook::{RecvError, SendCause, pipe, pipe_oneway};

// ANCHOR: facts
#[test]
fn messages_keep_their_order_and_boundaries_in_each_direction() {
    let (a, b) = pipe();
    thread::scope(|s| {
        s.spawn(|| {
            for word in ["one", "two", "three"] {
                b.send(word.to_string()).unwrap();
            }
            let got: Vec<String> = (0..2).map(|_| b.recv().unwrap()).collect();
            assert_eq!(got, ["four", "five"]);
        });
        for word in ["four", "five"] {
            a.send(word.to_string()).unwrap();
        }
        let got: Vec<String> = (0..3).map(|_| a.recv().unwrap()).collect();
        assert_eq!(got, ["one", "two", "three"]);
    });
}

#[test]
fn pending_messages_first_then_end_of_file_every_time() {
    let (reader, writer) = pipe_oneway();
    writer.send(1).unwrap();
    writer.send(2).unwrap();
    writer.close();
    assert_eq!(reader.recv(), Ok(1));
    assert_eq!(reader.recv(), Ok(2));
    assert_eq!(reader.recv(), Err(RecvError::Eof));
    assert_eq!(
        reader.recv(),
        Err(RecvError::Eof),
        "and again: never a hang"
    );
}

#[test]
fn recv_waits_for_a_message_or_the_end_of_file() {
    let (reader, writer) = pipe_oneway();
    thread::scope(|s| {
        s.spawn(move || {
            thread::sleep(Duration::from_millis(10));
            writer.send("late").unwrap();
            thread::sleep(Duration::from_millis(10));
            // dropped here: the end of file
        });
        assert_eq!(reader.recv(), Ok("late"));
        assert!(reader.recv().unwrap_err().is_eof());
    });
}

#[test]
fn poll_is_true_for_a_message_and_for_the_end_of_file_and_false_after_its_timeout() {
    let (a, b) = pipe::<u8>();
    let start = Instant::now();
    assert!(!a.poll(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    b.send(9).unwrap();
    assert!(a.poll(Duration::ZERO));
    assert!(a.poll(Duration::ZERO), "poll does not take the message");
    assert_eq!(a.recv(), Ok(9));
    drop(b);
    assert!(a.poll(Duration::ZERO), "end of file is ready too");
    assert_eq!(a.recv_timeout(Duration::ZERO), Some(Err(RecvError::Eof)));
}

#[test]
fn a_send_to_a_closed_end_hands_the_message_back() {
    let (a, b) = pipe();
    b.close();
    let err = a.send(vec![1, 2, 3]).unwrap_err();
    assert_eq!(err.0, [1, 2, 3], "nothing is lost");
    assert_eq!(err.cause(), &SendCause::Closed);
    assert_eq!(
        err.to_string(),
        "send on a pipe whose other end is closed; the message is handed back"
    );
    let (reader, writer) = pipe_oneway();
    drop(reader);
    assert_eq!(writer.send('x').unwrap_err().into_inner(), 'x');
}

#[test]
fn end_of_file_has_a_message_a_python_programmer_recognises() {
    let (a, _) = pipe::<()>();
    assert_eq!(
        a.recv().unwrap_err().to_string(),
        "end of file: the other end of the pipe is closed and every message it sent has been received"
    );
}
// ANCHOR_END: facts

#[test]
fn many_messages_cross_in_both_directions_at_once() {
    const N: u32 = 20_000;
    let (a, b) = pipe();
    thread::scope(|s| {
        s.spawn(|| (0..N).for_each(|i| b.send(i).unwrap()));
        s.spawn(|| (0..N).for_each(|i| a.send(i).unwrap()));
        let from_b: Vec<u32> = (0..N).map(|_| a.recv().unwrap()).collect();
        let from_a: Vec<u32> = (0..N).map(|_| b.recv().unwrap()).collect();
        assert_eq!(from_b, (0..N).collect::<Vec<_>>());
        assert_eq!(from_a, from_b);
    });
}

// ---------------------------------------------------------------------------
// proptest

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    #[derive(Clone, Copy, Debug)]
    enum End {
        A,
        B,
    }

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Send(End, u8),
        Recv(End),
        Poll(End),
        Close(End),
    }

    fn end() -> impl Strategy<Value = End> {
        prop_oneof![Just(End::A), Just(End::B)]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (end(), any::<u8>()).prop_map(|(e, x)| Op::Send(e, x)),
            end().prop_map(Op::Recv),
            end().prop_map(Op::Poll),
            end().prop_map(Op::Close),
        ]
    }

    // ANCHOR: state_machine
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random sends, receives, polls and closes on both ends of one
        /// duplex pipe, against a model of two queues and two "open" flags.
        /// A receive that would wait forever (nothing queued, other end
        /// open) is made as a zero-timeout receive instead.
        #[test]
        fn a_duplex_pipe_agrees_with_two_queues(ops in proptest::collection::vec(op(), 0..60)) {
            let (a, b) = pipe::<u8>();
            let mut ends = [Some(a), Some(b)];
            // to[i]: messages queued for end i; open[i]: end i not closed.
            let mut to: [VecDeque<u8>; 2] = Default::default();
            let mut open = [true, true];
            for op in ops {
                match op {
                    Op::Send(e, x) => {
                        let (me, other) = (e as usize, 1 - e as usize);
                        let Some(conn) = &ends[me] else { continue };
                        let result = conn.send(x).map_err(|err| err.0);
                        if open[other] {
                            prop_assert_eq!(result, Ok(()));
                            to[other].push_back(x);
                        } else {
                            prop_assert_eq!(result, Err(x), "handed back");
                        }
                    }
                    Op::Recv(e) => {
                        let (me, other) = (e as usize, 1 - e as usize);
                        let Some(conn) = &ends[me] else { continue };
                        let expected = match to[me].pop_front() {
                            Some(x) => Some(Ok(x)),
                            None if !open[other] => Some(Err(RecvError::Eof)),
                            None => None, // would wait forever
                        };
                        let got = match expected {
                            Some(_) => Some(conn.recv()),
                            None => conn.recv_timeout(Duration::ZERO),
                        };
                        prop_assert_eq!(got, expected);
                    }
                    Op::Poll(e) => {
                        let (me, other) = (e as usize, 1 - e as usize);
                        let Some(conn) = &ends[me] else { continue };
                        prop_assert_eq!(conn.poll(Duration::ZERO), !to[me].is_empty() || !open[other]);
                    }
                    Op::Close(e) => {
                        let me = e as usize;
                        if let Some(conn) = ends[me].take() {
                            conn.close();
                            open[me] = false;
                            to[me].clear(); // its unread messages go with it
                        }
                    }
                }
            }
        }
    }
    // ANCHOR_END: state_machine
}

// ---------------------------------------------------------------------------
// The models.

use syncbook_model::check::{Outcomes, bounded, for_book, outcomes, spawn, step_table};
use syncbook_model::pipe::naive::recv_closed_first;

/// What `main` received, for the outcome sets: the messages, then how the
/// stream ended.
fn received(results: Vec<Result<i32, syncbook_model::RecvError>>) -> String {
    let parts: Vec<String> = results
        .into_iter()
        .map(|r| match r {
            Ok(x) => x.to_string(),
            Err(e) if e.is_eof() => "end of file".to_string(),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    parts.join(", ")
}

// ANCHOR: model_naive
#[test]
fn model_looking_at_closed_before_empty_loses_the_last_message() {
    let found: Outcomes<String> = outcomes(&bounded(4), || {
        let (reader, writer) = syncbook_model::pipe_oneway();
        let a = spawn("A", move || {
            writer.send(1).unwrap();
            writer.close();
        });
        let mut got = vec![recv_closed_first(&reader)];
        if got[0].is_ok() {
            got.push(recv_closed_first(&reader));
        }
        a.join().unwrap();
        received(got)
    });
    assert_eq!(found.values(), ["1, end of file", "end of file"]);
    let lost = &found.examples["end of file"];
    let report = format!(
        "{}\n\n{}",
        found.report("sequences received"),
        step_table(lost)
    );
    insta::assert_snapshot!("closed_first_loses", for_book(&report));
}
// ANCHOR_END: model_naive

// ANCHOR: model_pipe
#[test]
fn model_duplex_every_message_once_in_order_then_end_of_file() {
    let found = outcomes(&bounded(4), || {
        let (here, there) = syncbook_model::pipe();
        let a = spawn("A", move || {
            there.send(1).unwrap();
            there.send(2).unwrap();
            let got = vec![there.recv(), there.recv()];
            received(got)
            // `there` is dropped here: the end of file for `main`
        });
        here.send(10).unwrap();
        here.send(20).unwrap();
        let mut got = vec![];
        loop {
            let r = here.recv();
            let end = r.is_err();
            got.push(r);
            if end {
                break;
            }
        }
        (received(got), a.join().unwrap())
    });
    assert_eq!(
        found.values(),
        [("1, 2, end of file".to_string(), "10, 20".to_string())]
    );
    insta::assert_snapshot!(
        "duplex",
        for_book(&found.report("(main received, A received)"))
    );
}
// ANCHOR_END: model_pipe

// ---------------------------------------------------------------------------
// Two models over a small trait, run against the real pipe (which must
// pass) and against broken twins (`syncbook_model::twins::pipe`), which
// must each fail, for the reason named.

use syncbook_model::check::must_fail;
use syncbook_model::twins::pipe::{self as twins, Mistake, TwinReceiver, TwinSender};

/// One direction of a pipe holding at most `capacity` messages.
trait ModelPipe: 'static {
    type Rx: Send + 'static;
    type Tx: Send + 'static;
    fn bounded(capacity: usize) -> (Self::Rx, Self::Tx);
    /// `Err` hands the message back.
    fn send(tx: &Self::Tx, item: i32) -> Result<(), i32>;
    /// `None`: the end of file.
    fn recv(rx: &Self::Rx) -> Option<i32>;
}

struct RealPipe;
impl ModelPipe for RealPipe {
    type Rx = syncbook_model::Receiver<i32>;
    type Tx = syncbook_model::Sender<i32>;
    fn bounded(capacity: usize) -> (Self::Rx, Self::Tx) {
        twins::real_bounded(capacity)
    }
    fn send(tx: &Self::Tx, item: i32) -> Result<(), i32> {
        tx.send(item).map_err(|e| e.into_inner())
    }
    fn recv(rx: &Self::Rx) -> Option<i32> {
        rx.recv().ok()
    }
}

macro_rules! twin_pipe {
    ($twin:ident) => {
        struct $twin;
        impl ModelPipe for $twin {
            type Rx = TwinReceiver<i32>;
            type Tx = TwinSender<i32>;
            fn bounded(capacity: usize) -> (Self::Rx, Self::Tx) {
                twins::twin_bounded(capacity, Mistake::$twin)
            }
            fn send(tx: &Self::Tx, item: i32) -> Result<(), i32> {
                tx.send(item)
            }
            fn recv(rx: &Self::Rx) -> Option<i32> {
                rx.recv()
            }
        }
    };
}
twin_pipe!(ClosedBeforeEmpty);
twin_pipe!(DropWakesNoSender);

/// `A` sends 1 and closes its end; `main` receives until the end of file:
/// it gets 1, then the end, never the end alone.
fn last_message_then_end<P: ModelPipe>() {
    let (rx, tx) = P::bounded(1);
    let a = spawn("A", move || {
        P::send(&tx, 1).unwrap();
        drop(tx);
    });
    let first = P::recv(&rx);
    assert_eq!(first, Some(1), "the last message lost");
    assert_eq!(P::recv(&rx), None);
    a.join().unwrap();
}

/// `A` sends 1, then 2, into a pipe holding one message: the second waits
/// for room. `main` drops its receiving end meanwhile, having received
/// nothing. Each send either succeeds or hands its message back, and none
/// waits for ever (loom reports a deadlock). Returns what `A`'s sends gave.
fn receiver_dropped_during_send<P: ModelPipe>() -> (Result<(), i32>, Result<(), i32>) {
    let (rx, tx) = P::bounded(1);
    let a = spawn("A", move || (P::send(&tx, 1), P::send(&tx, 2)));
    drop(rx);
    let sent = a.join().unwrap();
    assert_eq!(sent.1, Err(2), "the second send hands its message back");
    sent
}

#[test]
fn model_the_last_message_arrives_before_the_end_of_file() {
    let found = outcomes(&bounded(4), last_message_then_end::<RealPipe>);
    println!(
        "last message, then end of file (2 threads), explored: {}",
        found.explored()
    );
}

#[test]
fn model_a_receiver_dropped_during_a_send_hands_the_message_back() {
    let found = outcomes(&bounded(4), receiver_dropped_during_send::<RealPipe>);
    assert_eq!(found.values(), vec![(Ok(()), Err(2)), (Err(1), Err(2))]);
    insta::assert_snapshot!(
        "receiver_dropped",
        for_book(&format!(
            "{} (2 threads)",
            found.report("(first send, second send)")
        ))
    );
}

#[test]
fn model_rejects_pipe_looking_at_closed_before_empty() {
    let failure = must_fail(&bounded(4), last_message_then_end::<ClosedBeforeEmpty>);
    assert!(
        failure.message.contains("the last message lost"),
        "{}",
        failure.message
    );
    println!("{}", failure.report("the twin's failure"));
}

#[test]
fn model_rejects_pipe_receiver_drop_that_wakes_no_sender() {
    let failure = must_fail(&bounded(4), || {
        let _ = receiver_dropped_during_send::<DropWakesNoSender>();
    });
    assert!(failure.is_deadlock(), "{}", failure.message);
    println!("{}", failure.report("the twin's failure"));
}
