//! Grades the exercise `pool_wait_all` (chapter "Pool"):
//! `cargo xtask exercises check pool_wait_all`.

syncbook_exercises::graded!("../pool/wait_all.rs", "../solutions/pool_wait_all.rs");

use std::time::Duration;

use syncbook_exercises::model::sync::{AtomicUsize, Ordering};
use syncbook_exercises::{assert_model, bounded, leak, within};

#[test]
fn wait_all_returns_after_slow_jobs_have_finished() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let finished = within(30, "ten slow jobs on two workers", || {
        let finished = leak(AtomicUsize::new(0));
        let pool = real::exercise::TinyPool::new(2);
        for _ in 0..10 {
            pool.submit(move || {
                std::thread::sleep(Duration::from_millis(20));
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
        pool.wait_all();
        let seen = finished.load(Ordering::SeqCst);
        pool.shutdown();
        seen
    });
    assert_eq!(
        finished, 10,
        "wait_all returned while jobs were still running"
    );
}

#[test]
fn shutdown_runs_the_queued_jobs_first() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let finished = within(30, "shutdown", || {
        let finished = leak(AtomicUsize::new(0));
        let pool = real::exercise::TinyPool::new(2);
        for _ in 0..100 {
            pool.submit(move || {
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
        pool.shutdown();
        finished.load(Ordering::SeqCst)
    });
    assert_eq!(finished, 100);
}

// One worker and the submitting thread, bounded to 3 preemptions.
#[test]
fn model_wait_all_returns_only_after_the_job_has_run() {
    assert_model(
        &bounded(3),
        "\"when wait_all returns, the job has run\"",
        || {
            let ran = leak(AtomicUsize::new(0));
            let pool = model::exercise::TinyPool::new(1);
            pool.submit(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            });
            pool.wait_all();
            let seen = ran.load(Ordering::SeqCst);
            syncbook_model::trace::step("checks: jobs run =", seen);
            assert_eq!(seen, 1, "wait_all returned before the job had run");
            pool.shutdown();
        },
    );
}
