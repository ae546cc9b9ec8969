//! Grades the exercise `manager_counter` (chapter "Manager"):
//! `cargo xtask exercises check manager_counter`.

syncbook_exercises::graded!("../manager/counter.rs", "../solutions/manager_counter.rs");

use syncbook_exercises::{assert_model, bounded, spawn, within};

#[test]
fn get_set_and_increment_on_one_thread() {
    let manager = real::exercise::CounterManager::new();
    let counters = manager.proxy();
    assert_eq!(counters.get("hits"), 0, "a counter never set is 0");
    counters.set("hits", 10);
    assert_eq!(counters.get("hits"), 10);
    assert_eq!(counters.increment("hits"), 11);
    assert_eq!(counters.increment("misses"), 1);
    assert_eq!(
        counters.clone().get("hits"),
        11,
        "every proxy reaches the same counters"
    );
    let last = manager.shutdown();
    assert_eq!((last["hits"], last["misses"]), (11, 1));
}

#[test]
fn four_threads_of_a_thousand_increments_lose_none() {
    const PER_THREAD: i64 = 1_000;
    let (mut seen, last) = within(60, "four threads of increments", || {
        let manager = real::exercise::CounterManager::new();
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let counters = manager.proxy();
                std::thread::spawn(move || {
                    (0..PER_THREAD)
                        .map(|_| counters.increment("hits"))
                        .collect::<Vec<i64>>()
                })
            })
            .collect();
        let seen: Vec<i64> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (seen, manager.shutdown()["hits"])
    });
    assert_eq!(last, 4 * PER_THREAD, "increments were lost");
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=4 * PER_THREAD).collect::<Vec<_>>(),
        "each increment returns a count of its own"
    );
}

// `A` and `main` increment once each, through proxies of their own; then
// `main` shuts the manager down, which hands back the counters (the server
// thread must end inside the model, or loom reports it). Three threads
// with the server, bounded to 1 preemption: every call blocks for its
// answer, so the threads change places at each request even without one,
// and a bound of 1 adds the switches in between. The unsolved version
// fails after about 9,000 executions (a second or two); a solution with
// one request per increment passes in about 1,400.
#[test]
fn model_two_proxies_increment_once_each_and_the_count_is_two() {
    assert_model(
        &bounded(1),
        "\"two increments from two proxies make the count 2\"",
        || {
            let manager = model::exercise::CounterManager::new();
            let (counters_a, counters_main) = (manager.proxy(), manager.proxy());
            let a = spawn("A", move || counters_a.increment("hits"));
            let mine = counters_main.increment("hits");
            let theirs = a.join().unwrap();
            let count = manager.shutdown()["hits"];
            syncbook_model::trace::step("checks: count =", count);
            assert_eq!(count, 2, "an increment was lost");
            assert_ne!(mine, theirs, "both increments returned {mine}");
        },
    );
}
