//! Chapter "Queue": a pool of workers fed by a queue, `task_done` and
//! `join`, and why a queue needs more than one condition.
//!
//! `cargo test --test queue` runs this chapter; `cargo test --test queue
//! model_` runs only its loom models.

mod common;
use common::eventually;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use syncbook::{Empty, Full, Queue, TaskDoneError};

// ANCHOR: facts
#[test]
fn items_come_out_in_the_order_they_went_in() {
    let q = Queue::new();
    for i in 0..100 {
        q.put(i);
    }
    let out: Vec<i32> = (0..100).map(|_| q.get()).collect();
    assert_eq!(out, (0..100).collect::<Vec<_>>());
}

#[test]
fn nowait_forms_fail_at_once_and_a_failed_put_hands_the_item_back() {
    let q = Queue::bounded(2);
    assert_eq!(q.get_nowait(), Err(Empty));
    q.put_nowait(String::from("a")).unwrap();
    q.put_nowait(String::from("b")).unwrap();
    assert!(q.full());
    let Full(back) = q.put_nowait(String::from("c")).unwrap_err();
    assert_eq!(back, "c", "the item is not lost");
    assert_eq!(q.qsize(), 2);
    assert_eq!(q.get_nowait().as_deref(), Ok("a"));
}

#[test]
fn timed_forms_give_up_after_the_timeout_and_not_before() {
    let q = Queue::bounded(1);
    let start = Instant::now();
    assert_eq!(q.get_timeout(Duration::from_millis(20)), Err(Empty));
    assert!(start.elapsed() >= Duration::from_millis(20));
    q.put(1);
    let start = Instant::now();
    let err = q.put_timeout(2, Duration::from_millis(20)).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert_eq!(err.into_inner(), 2);
    assert_eq!(q.get_timeout(Duration::from_secs(60)), Ok(1));
}

#[test]
fn blocking_put_and_get_wait_for_each_other() {
    let q = Queue::bounded(1);
    q.put(1);
    thread::scope(|s| {
        let producer = s.spawn(|| q.put(2)); // waits: the queue is full
        eventually("the producer has had time to wait", || q.full());
        assert_eq!(q.get(), 1);
        producer.join().unwrap();
        assert_eq!(q.get(), 2);
        let consumer = s.spawn(|| q.get()); // waits: the queue is empty
        thread::sleep(Duration::from_millis(10));
        q.put(3);
        assert_eq!(consumer.join().unwrap(), 3);
    });
}

#[test]
fn join_counts_puts_and_waits_for_the_last_task_done() {
    let q = Queue::new();
    q.join(); // nothing unfinished: at once
    q.put("job");
    let job = q.get();
    assert!(q.empty(), "the item is out of the queue...");
    assert_eq!(q.unfinished_tasks(), 1, "...but its task is not done");
    let finished = AtomicUsize::new(0);
    thread::scope(|s| {
        let joiner = s.spawn(|| {
            q.join();
            finished.load(Ordering::SeqCst)
        });
        thread::sleep(Duration::from_millis(10));
        assert!(
            !joiner.is_finished(),
            "join waits while the job is worked on"
        );
        let _ = job;
        finished.store(1, Ordering::SeqCst);
        q.task_done().unwrap();
        assert_eq!(joiner.join().unwrap(), 1);
    });
    q.join(); // and again, at once
}

#[test]
fn every_joiner_wakes() {
    let q = Queue::new();
    q.put(());
    thread::scope(|s| {
        let joiners: Vec<_> = (0..3).map(|_| s.spawn(|| q.join())).collect();
        thread::sleep(Duration::from_millis(10));
        q.get();
        q.task_done().unwrap();
        for j in joiners {
            j.join().unwrap();
        }
    });
}

#[test]
fn task_done_too_often_is_an_error_and_changes_nothing() {
    let q = Queue::new();
    assert_eq!(q.task_done(), Err(TaskDoneError));
    q.put(1);
    q.put(2);
    q.task_done().unwrap();
    q.task_done().unwrap();
    let err = q.task_done().unwrap_err();
    assert_eq!(
        err.to_string(),
        "task_done() called more times than items were put: no task is unfinished"
    );
    assert_eq!(q.unfinished_tasks(), 0);
    assert_eq!(q.qsize(), 2, "task_done does not touch the items");
}

#[test]
fn sizes_and_bounds() {
    let unbounded = Queue::new();
    assert_eq!(unbounded.maxsize(), None);
    for i in 0..1000 {
        unbounded.put_nowait(i).unwrap();
    }
    assert!(!unbounded.full());
    assert_eq!(unbounded.qsize(), 1000);
    let bounded = Queue::<u8>::bounded(3);
    assert_eq!(bounded.maxsize(), Some(3));
    assert!(bounded.empty() && !bounded.full());
}

#[test]
#[should_panic(expected = "Python's Queue(0) is unbounded: use Queue::new()")]
fn a_bounded_queue_of_zero_is_refused() {
    let _ = Queue::<i32>::bounded(0);
}
// ANCHOR_END: facts

#[test]
fn a_panicking_worker_leaves_the_queue_usable() {
    let q = Queue::bounded(1);
    q.put(1);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _item = q.get();
        panic!("the worker fails");
    }));
    assert!(result.is_err());
    q.put(2); // the lock was released, and the slot freed
    assert_eq!(q.get(), 2);
}

// ANCHOR: stress
#[test]
fn two_producers_and_two_consumers_deliver_every_item_exactly_once() {
    const PER_PRODUCER: u32 = 25_000;
    let q = Queue::bounded(64);
    let (a, b) = thread::scope(|s| {
        let producers: Vec<_> = (0..2u32)
            .map(|producer| {
                let q = &q;
                s.spawn(move || {
                    for i in 0..PER_PRODUCER {
                        q.put(Some((producer, i)));
                    }
                })
            })
            .collect();
        let consumer = || {
            let mut got = Vec::new();
            while let Some(item) = q.get() {
                got.push(item);
                q.task_done().unwrap();
            }
            q.task_done().unwrap(); // for the stop message
            got
        };
        let a = s.spawn(consumer);
        let b = s.spawn(consumer);
        for p in producers {
            p.join().unwrap();
        }
        // Only now: `join` returns whenever the count of unfinished tasks
        // is zero, which can happen midway if the consumers are quicker.
        q.join(); // all 50,000 taken *and* dealt with
        assert_eq!(q.unfinished_tasks(), 0);
        q.put(None); // one stop message per consumer
        q.put(None);
        (a.join().unwrap(), b.join().unwrap())
    });
    // FIFO: each consumer sees each producer's items in the order put.
    for got in [&a, &b] {
        for producer in 0..2 {
            let mine: Vec<u32> = got
                .iter()
                .filter(|i| i.0 == producer)
                .map(|i| i.1)
                .collect();
            assert!(mine.is_sorted(), "producer {producer}'s items out of order");
        }
    }
    let mut all: Vec<(u32, u32)> = a.into_iter().chain(b).collect();
    all.sort_unstable();
    let expected: Vec<(u32, u32)> = (0..2)
        .flat_map(|p| (0..PER_PRODUCER).map(move |i| (p, i)))
        .collect();
    assert_eq!(all, expected, "every item exactly once");
}
// ANCHOR_END: stress

// ---------------------------------------------------------------------------
// proptest

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Put(u8),
        PutNowait(u8),
        PutTimeout(u8),
        Get,
        GetNowait,
        GetTimeout,
        TaskDone,
        Join,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            any::<u8>().prop_map(Op::Put),
            any::<u8>().prop_map(Op::PutNowait),
            any::<u8>().prop_map(Op::PutTimeout),
            Just(Op::Get),
            Just(Op::GetNowait),
            Just(Op::GetTimeout),
            Just(Op::TaskDone),
            Just(Op::Join),
        ]
    }

    /// What the queue should do: a `VecDeque` and a count of unfinished
    /// tasks.
    struct Model {
        items: VecDeque<u8>,
        unfinished: usize,
        maxsize: Option<usize>,
    }

    impl Model {
        fn full(&self) -> bool {
            self.maxsize.is_some_and(|m| self.items.len() >= m)
        }

        fn put(&mut self, x: u8) -> Result<(), u8> {
            if self.full() {
                return Err(x);
            }
            self.items.push_back(x);
            self.unfinished += 1;
            Ok(())
        }
    }

    // ANCHOR: state_machine
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// One thread drives the queue with random calls; a blocking call
        /// that would wait forever (nobody else can change the queue) is
        /// made only when the model says it returns at once. Timed calls
        /// are made either way, with a short timeout.
        #[test]
        fn queue_agrees_with_a_vecdeque_and_a_task_counter(
            maxsize in proptest::option::of(1..4usize),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let q = match maxsize {
                Some(m) => Queue::bounded(m),
                None => Queue::new(),
            };
            let mut model = Model { items: VecDeque::new(), unfinished: 0, maxsize };
            let short = Duration::from_millis(1);
            for op in ops {
                match op {
                    Op::Put(x) if !model.full() => {
                        q.put(x);
                        model.put(x).unwrap();
                    }
                    Op::Put(_) => {} // would wait forever
                    Op::PutNowait(x) => {
                        prop_assert_eq!(q.put_nowait(x).map_err(Full::into_inner), model.put(x));
                    }
                    Op::PutTimeout(x) => {
                        prop_assert_eq!(q.put_timeout(x, short).map_err(|e| e.0), model.put(x));
                    }
                    Op::Get if !model.items.is_empty() => {
                        prop_assert_eq!(Some(q.get()), model.items.pop_front());
                    }
                    Op::Get => {} // would wait forever
                    Op::GetNowait => {
                        prop_assert_eq!(q.get_nowait().ok(), model.items.pop_front());
                    }
                    Op::GetTimeout => {
                        prop_assert_eq!(q.get_timeout(short).ok(), model.items.pop_front());
                    }
                    Op::TaskDone => {
                        let expected = if model.unfinished == 0 {
                            Err(TaskDoneError)
                        } else {
                            model.unfinished -= 1;
                            Ok(())
                        };
                        prop_assert_eq!(q.task_done(), expected);
                    }
                    Op::Join if model.unfinished == 0 => q.join(),
                    Op::Join => {} // would wait forever
                }
                prop_assert_eq!(q.qsize(), model.items.len());
                prop_assert_eq!(q.empty(), model.items.is_empty());
                prop_assert_eq!(q.full(), model.full());
                prop_assert_eq!(q.unfinished_tasks(), model.unfinished);
            }
        }
    }
    // ANCHOR_END: state_machine
}

// ---------------------------------------------------------------------------
// The models.

use syncbook_model::check::{bounded, for_book, leak, must_fail, outcomes, spawn};
use syncbook_model::queue::naive::OneConditionQueue;

// ANCHOR: model_naive
#[test]
fn model_one_condition_for_two_kinds_of_waiter_strands_a_producer() {
    let failure = must_fail(&bounded(2), || {
        let q = leak(OneConditionQueue::bounded(1));
        let a = spawn("A", move || q.get());
        let b = spawn("B", move || q.get());
        q.put(1);
        q.put(2);
        a.join().unwrap();
        b.join().unwrap();
    });
    assert!(failure.is_deadlock(), "{}", failure.message);
    let report = failure.report(
        "`A`'s wake-up, meant for the producer `main`, went to `B`, \
         which found nothing to get and waits again; so does `main`.",
    );
    insta::assert_snapshot!("one_condition_deadlock", for_book(&report));
}
// ANCHOR_END: model_naive

// ANCHOR: model_queue
// ANCHOR: model_trait
/// What the models need of a queue of capacity 1 (the real one, and each
/// broken twin at the end of this file).
trait ModelQueue: Sync + 'static {
    fn with_capacity_1() -> Self;
    fn put(&self, item: i32);
    fn get(&self) -> i32;
}

/// ... and of its tasks.
trait ModelTasks: ModelQueue {
    fn task_done(&self);
    fn join(&self);
}

impl ModelQueue for syncbook_model::Queue<i32> {
    fn with_capacity_1() -> Self {
        syncbook_model::Queue::bounded(1)
    }
    fn put(&self, item: i32) {
        syncbook_model::Queue::put(self, item);
    }
    fn get(&self) -> i32 {
        syncbook_model::Queue::get(self)
    }
}

impl ModelTasks for syncbook_model::Queue<i32> {
    fn task_done(&self) {
        syncbook_model::Queue::task_done(self).unwrap();
    }
    fn join(&self) {
        syncbook_model::Queue::join(self);
    }
}

// ANCHOR_END: model_trait

// ANCHOR: model_producers_fn
/// Producers `A` and `B` put their items, in order; `main` gets them all.
/// Every item arrives exactly once, each producer's in the order it put
/// them, and nobody is left waiting (loom reports a deadlock otherwise).
fn two_producers<Q: ModelQueue>(
    from_a: &'static [i32],
    from_b: &'static [i32],
) -> impl Fn() -> Vec<i32> + Send + Sync + 'static {
    move || {
        let q: &Q = leak(Q::with_capacity_1());
        let a = spawn("A", move || from_a.iter().for_each(|&i| q.put(i)));
        let b = spawn("B", move || from_b.iter().for_each(|&i| q.put(i)));
        let got: Vec<i32> = (0..from_a.len() + from_b.len()).map(|_| q.get()).collect();
        a.join().unwrap();
        b.join().unwrap();
        let of = |items: &[i32]| -> Vec<i32> {
            got.iter().copied().filter(|i| items.contains(i)).collect()
        };
        assert_eq!(
            (of(from_a), of(from_b)),
            (from_a.to_vec(), from_b.to_vec()),
            "every item exactly once, each producer's in order"
        );
        got
    }
}

// ANCHOR_END: model_producers_fn

// ANCHOR: model_consumers_fn
/// One producer, `main`, puts 1 and 2; two consumers, `A` and `B`, get one
/// each: each item reaches exactly one of them.
fn two_consumers<Q: ModelQueue>() -> (i32, i32) {
    let q: &Q = leak(Q::with_capacity_1());
    let a = spawn("A", move || q.get());
    let b = spawn("B", move || q.get());
    q.put(1);
    q.put(2);
    let got = (a.join().unwrap(), b.join().unwrap());
    assert!(
        got == (1, 2) || got == (2, 1),
        "each item to exactly one consumer: {got:?}"
    );
    got
}

// ANCHOR_END: model_consumers_fn

// ANCHOR: model_join_fn
/// `B` puts an item and joins; `main` gets every item, sets a flag once it
/// has dealt with `B`'s, and calls `task_done`. With `with_a`, a third
/// thread `A` puts one more item first. The flag is a relaxed atomic: only
/// the queue's lock orders its write before `B`'s read after `join`.
fn join_after_task_done<Q: ModelTasks>(with_a: bool) -> impl Fn() + Send + Sync + 'static {
    move || {
        let q: &Q = leak(Q::with_capacity_1());
        let b_item_done = leak(loom::sync::atomic::AtomicBool::new(false));
        let a = with_a.then(|| spawn("A", move || q.put(1)));
        let b = spawn("B", move || {
            q.put(2);
            q.join();
            assert!(
                b_item_done.load(Ordering::Relaxed),
                "B's join returned before its item was done"
            );
        });
        for _ in 0..1 + usize::from(with_a) {
            if q.get() == 2 {
                b_item_done.store(true, Ordering::Relaxed);
            }
            q.task_done();
        }
        if let Some(a) = a {
            a.join().unwrap();
        }
        b.join().unwrap();
    }
}

// ANCHOR_END: model_join_fn

// ANCHOR: model_producers_test
/// 2 producers (`A`: 1, 2; `B`: 10), 1 consumer, capacity 1: every
/// interleaving with at most 1 preemption. (The deep runs below: two items
/// from `B` too, or 2 preemptions.)
#[test]
fn model_two_producers_one_consumer_every_item_once_each_producers_in_order() {
    let found = outcomes(
        &bounded(1),
        two_producers::<syncbook_model::Queue<i32>>(&[1, 2], &[10]),
    );
    assert_eq!(
        found.values().len(),
        3,
        "all three orders of [1, 2] and [10]"
    );
    insta::assert_snapshot!(
        "two_producers",
        for_book(&format!("{}\n(3 threads)", found.report("orders received")))
    );
}

// ANCHOR_END: model_producers_test

// ANCHOR: model_consumers_test
/// 1 producer, 2 consumers, capacity 1: the threads the naive queue's
/// deadlock needs, every interleaving with at most 2 preemptions (as the
/// naive model).
#[test]
fn model_one_producer_two_consumers_each_item_to_one() {
    let found = outcomes(&bounded(2), two_consumers::<syncbook_model::Queue<i32>>);
    assert_eq!(found.values(), vec![(1, 2), (2, 1)]);
    insta::assert_snapshot!(
        "two_consumers",
        for_book(&format!("{}\n(3 threads)", found.report("(A got, B got)")))
    );
}

// ANCHOR_END: model_consumers_test

// ANCHOR: model_join_test
/// `B`'s `join` returns only after its item's `task_done`, with `A`'s item
/// in the queue too: 3 threads, every interleaving with at most 1
/// preemption. (Below: 2 threads, at most 4; the deep run: 3 threads, 2.)
#[test]
fn model_join_returns_only_after_the_last_task_done() {
    let found = outcomes(&bounded(1), || {
        join_after_task_done::<syncbook_model::Queue<i32>>(true)();
    });
    insta::assert_snapshot!(
        "join",
        for_book(&format!(
            "B's join saw its item done (3 threads); explored: {}.",
            found.explored()
        ))
    );
}

// ANCHOR_END: model_join_test

#[test]
fn model_join_two_threads_four_preemptions() {
    let found = outcomes(
        &bounded(4),
        join_after_task_done::<syncbook_model::Queue<i32>>(false),
    );
    println!(
        "B's join saw its item done (2 threads); explored: {}.",
        found.explored()
    );
}
// ANCHOR_END: model_queue

#[test]
#[ignore = "deep: 2 producers x 2 items, preemption bound 1, about 13 s"]
fn model_two_producers_two_items_each_deep() {
    let found = outcomes(
        &bounded(1),
        two_producers::<syncbook_model::Queue<i32>>(&[1, 2], &[10, 20]),
    );
    assert_eq!(
        found.values().len(),
        6,
        "all six orders of [1, 2] and [10, 20]"
    );
}

#[test]
#[ignore = "deep: 2 producers (2 items and 1), preemption bound 2, about 40 s"]
fn model_two_producers_two_preemptions_deep() {
    let found = outcomes(
        &bounded(2),
        two_producers::<syncbook_model::Queue<i32>>(&[1, 2], &[10]),
    );
    assert_eq!(
        found.values().len(),
        3,
        "all three orders of [1, 2] and [10]"
    );
}

#[test]
#[ignore = "deep: 3 threads, preemption bound 2, about 45 s"]
fn model_join_returns_only_after_the_last_task_done_three_threads_deep() {
    outcomes(
        &bounded(2),
        join_after_task_done::<syncbook_model::Queue<i32>>(true),
    );
}

// ---------------------------------------------------------------------------
// Broken twins (`syncbook_model::twins::queue`, and the naive queue): each
// must fail one of the models above, for the reason named.

use syncbook_model::twins::queue::{Mistake, TwinQueue};

impl ModelQueue for OneConditionQueue<i32> {
    fn with_capacity_1() -> Self {
        OneConditionQueue::bounded(1)
    }
    fn put(&self, item: i32) {
        OneConditionQueue::put(self, item);
    }
    fn get(&self) -> i32 {
        OneConditionQueue::get(self)
    }
}

struct CountsOnGet(TwinQueue<i32>);
struct GetWithIf(TwinQueue<i32>);

macro_rules! twin_queue {
    ($twin:ident) => {
        impl ModelQueue for $twin {
            fn with_capacity_1() -> Self {
                $twin(TwinQueue::bounded(1, Mistake::$twin))
            }
            fn put(&self, item: i32) {
                self.0.put(item);
            }
            fn get(&self) -> i32 {
                self.0.get()
            }
        }
        impl ModelTasks for $twin {
            fn task_done(&self) {
                self.0.task_done();
            }
            fn join(&self) {
                self.0.join();
            }
        }
    };
}
twin_queue!(CountsOnGet);
twin_queue!(GetWithIf);

#[test]
fn model_rejects_queue_counting_on_get() {
    let failure = must_fail(&bounded(4), join_after_task_done::<CountsOnGet>(false));
    assert!(
        failure
            .message
            .contains("B's join returned before its item was done"),
        "{}",
        failure.message
    );
    println!("{}", failure.report("the twin's failure"));
}

#[test]
fn model_rejects_queue_get_with_if() {
    let failure = must_fail(&bounded(2), || {
        two_consumers::<GetWithIf>();
    });
    assert!(
        failure.message.contains("woken by a put, so not empty"),
        "{}",
        failure.message
    );
    println!("{}", failure.report("the twin's failure"));
}

#[test]
fn model_rejects_queue_with_one_condition() {
    let failure = must_fail(&bounded(2), || {
        two_consumers::<OneConditionQueue<i32>>();
    });
    assert!(failure.is_deadlock(), "{}", failure.message);
    println!("{}", failure.report("the twin's failure"));
}
