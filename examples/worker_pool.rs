//! A pool of worker threads fed by a [`Queue`], with `task_done` and `join`:
//! Python's `queue.Queue` story, in Rust.
//!
//! 1. Three workers square numbers from a queue; `join` waits for every job.
//! 2. `join` counts puts, not gets: it waits for a job taken but unfinished.
//! 3. Misuse: `task_done` too often, `put_nowait` when full, `get_timeout`
//!    timing out. Each is an `Err`, where Python raises.
//! 4. `join` again, with nothing unfinished, returns at once.
//!
//! Results are sorted, and the slow job of part 2 waits for a signal, so
//! the output is the same on every run.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example worker_pool
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use syncbook::{Event, Queue};

const WORKERS: usize = 3;

// ANCHOR: pool
fn main() {
    // A job is `Some(number)`, or `None`: the message that stops a worker.
    let jobs = Queue::new();
    let results = Queue::new();
    thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| worker(&jobs, &results));
        }
        pool(&jobs, &results);
        join_counts_puts();
        misuse();
        join_again(&jobs);
        // Threads in a scope are not daemons: each worker gets one stop
        // message, and the scope waits for all of them to return.
        for _ in 0..WORKERS {
            jobs.put(None);
        }
        jobs.join(); // the stop messages are puts too: each gets its task_done
    });
}

fn worker(jobs: &Queue<Option<u64>>, results: &Queue<u64>) {
    // `get` waits while there is no job; a stop message ends the loop.
    while let Some(n) = jobs.get() {
        thread::sleep(Duration::from_millis(10)); // the work takes a while
        results.put(n * n);
        jobs.task_done().expect("one per job"); // one put is now dealt with
    }
    jobs.task_done().expect("the stop message was put too");
}

fn pool(jobs: &Queue<Option<u64>>, results: &Queue<u64>) {
    for n in 1..=10 {
        jobs.put(Some(n));
    }
    jobs.join(); // returns once all 10 jobs are done, not just taken
    let mut squares: Vec<u64> = (0..results.qsize()).map(|_| results.get()).collect();
    squares.sort(); // the workers finish in any order
    let sum: u64 = squares.iter().sum();
    println!("10 jobs, {WORKERS} workers, results: {squares:?}, sum: {sum}");
}
// ANCHOR_END: pool

// ANCHOR: join_counts_puts
fn join_counts_puts() {
    let q = Queue::new();
    // Choreography only, so that every run prints the same thing:
    let taken = Event::new();
    let go = Event::new();
    // Relaxed is enough: the queue's lock orders the worker's increment
    // (before its task_done) before the return of join.
    let finished = AtomicUsize::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            let _job: &str = q.get();
            taken.set(); // the queue is empty now...
            go.wait(); // ...but the job is still in progress
            thread::sleep(Duration::from_millis(100)); // the slow part
            finished.fetch_add(1, Ordering::Relaxed);
            q.task_done().expect("one task_done for the one job");
        });
        q.put("slow job");
        taken.wait();
        println!(
            "job taken: queue empty: {}, qsize: {}, unfinished tasks: {}, jobs finished: {}",
            q.empty(),
            q.qsize(),
            q.unfinished_tasks(),
            finished.load(Ordering::Relaxed)
        );
        go.set();
        q.join(); // waits for the task_done, not for the get
        println!(
            "after join: jobs finished: {}, unfinished tasks: {}",
            finished.load(Ordering::Relaxed),
            q.unfinished_tasks()
        );
    });
}
// ANCHOR_END: join_counts_puts

// ANCHOR: misuse
fn misuse() {
    let q = Queue::new();
    q.put("a");
    q.get();
    q.task_done().expect("one put, one task_done"); // nothing is unfinished
    let err = q.task_done().unwrap_err(); // one more task_done than put
    println!("task_done once too often: Err: {err}");

    let bounded = Queue::bounded(1);
    bounded.put("first");
    // `put_nowait` takes the item; on a full queue the Err hands it back.
    let err = bounded.put_nowait("second").unwrap_err();
    println!("put_nowait on a full queue: Err: {err}");
    println!(
        "  the caller gets back {:?}, the queue holds {} item: {:?}",
        err.into_inner(),
        bounded.qsize(),
        bounded.get()
    );

    let began = Instant::now();
    let err = q.get_timeout(Duration::from_millis(100)).unwrap_err();
    println!(
        "get_timeout(100 ms) on an empty queue: Err: {err}; it waited >= 100 ms: {}",
        began.elapsed() >= Duration::from_millis(100)
    );
}
// ANCHOR_END: misuse

// ANCHOR: join_again
fn join_again(jobs: &Queue<Option<u64>>) {
    jobs.join(); // nothing unfinished since the first join: returns at once
    println!(
        "join again: returns at once, unfinished tasks: {}",
        jobs.unfinished_tasks()
    );
    Queue::<()>::new().join(); // nothing ever put, no worker at all: returns at once
    println!("join on a queue nothing was put on: returns at once");
}
// ANCHOR_END: join_again
