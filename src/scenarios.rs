//! The chapters' naive models as playable scenarios (model and play builds
//! only): one function per chapter that starts the threads of its naive
//! version, lets them run, and returns the outcome as text.
//!
//! The same function runs under loom (the model build: every interleaving
//! of atomic operations, weak memory included) and under the play
//! scheduler (the play build: every order of whole steps, or the one a
//! reader chooses). The tests check that both find the same outcomes; the
//! book's panels are generated from the play scheduler's tree of every
//! schedule (`play::explore`, play build).

use crate::sync::{AtomicUsize, Ordering};
use crate::trace;

/// What a chapter's panel is made of.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// The name on the command line and in the book (`value`, `lock`, ...).
    pub id: &'static str,
    /// The chapter's page, in `chapters/`.
    pub chapter: &'static str,
    /// What the threads do, in a sentence.
    pub title: &'static str,
    /// Starts the threads, returns the outcome.
    pub model: fn() -> String,
    /// The code a reader sees beside the panel: a file of the crate, and
    /// the anchor of the lines shown.
    pub listing: (&'static str, &'static str),
    /// The challenge: what to make happen, and the outcome that does it
    /// (`None` for a fixed version, where every schedule ends well).
    pub challenge: Option<(&'static str, &'static str)>,
    /// The prediction question, and its choices.
    pub question: (&'static str, &'static [&'static str]),
    /// The fixed version's scenario, if the chapter has one to play.
    pub fixed: Option<&'static str>,
    /// For a model too big to play in every order: the most times a thread
    /// that could go on is switched out (see `play::explore`, play build).
    pub bound: Option<usize>,
}

/// Every scenario, naive versions first, in the book's order.
pub fn all() -> Vec<Scenario> {
    vec![
        Scenario {
            id: "value",
            chapter: "value.md",
            title: "Two threads each add one to a shared Value twice, with a separate get and set",
            model: value,
            listing: ("src/value.rs", "racy"),
            challenge: Some((
                "Make the value end at 2: lose two of the four updates.",
                "2",
            )),
            question: (
                "Which final values can this program end with?",
                &["0", "1", "2", "3", "4"],
            ),
            fixed: Some("value-fixed"),
            bound: None,
        },
        Scenario {
            id: "value-fixed",
            chapter: "value.md",
            title: "The same, with the lock held across the read and the write",
            model: value_fixed,
            listing: ("src/value.rs", "racy"),
            challenge: None,
            question: (
                "Which final values can this program end with?",
                &["2", "3", "4"],
            ),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "lock",
            chapter: "lock.md",
            title: "Two threads take a lock made of one flag, read and then written",
            model: lock,
            listing: ("src/lock.rs", "flaglock"),
            challenge: Some((
                "Get both threads inside the lock at once.",
                "2 inside at once",
            )),
            question: (
                "How many threads can be inside at once?",
                &["1 inside at once", "2 inside at once"],
            ),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "rlock",
            chapter: "rlock.md",
            title: "One thread runs `with v.get_lock(): v.value += 1` with a plain Lock as the value's lock",
            model: rlock,
            listing: ("src/rlock.rs", "pyvalue"),
            challenge: Some(("Deadlock the re-entrant call.", "deadlock")),
            question: ("How can this end?", &["1", "deadlock"]),
            fixed: Some("rlock-fixed"),
            bound: None,
        },
        Scenario {
            id: "rlock-fixed",
            chapter: "rlock.md",
            title: "The same, with an RLock",
            model: rlock_fixed,
            listing: ("src/rlock.rs", "pyvalue"),
            challenge: None,
            question: ("How can this end?", &["1", "deadlock"]),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "condition",
            chapter: "condition.md",
            title: "`A` puts an item and notifies; `main` looks first, and waits only if the slot was empty",
            model: condition,
            listing: ("src/condition.rs", "naive"),
            challenge: Some(("Lose the wake-up.", "deadlock")),
            question: ("How can this end?", &["took 1", "deadlock"]),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "semaphore",
            chapter: "semaphore.md",
            title: "Two threads acquire a one-permit semaphore that reads the count, then writes it one less",
            model: semaphore,
            listing: ("src/semaphore.rs", "naive"),
            challenge: Some(("Get two holders of the one permit.", "2 holders at once")),
            question: (
                "How many threads can hold the one permit at once?",
                &["1 holder at once", "2 holders at once"],
            ),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "barrier",
            chapter: "barrier.md",
            title: "Two threads pass a counter-and-flag barrier twice",
            model: barrier,
            listing: ("src/barrier.rs", "naive"),
            challenge: Some((
                "Get a thread out of round 2 before the other has arrived.",
                "left round 2 early",
            )),
            question: (
                "How can this end?",
                &[
                    "every round whole",
                    "left round 1 early",
                    "left round 2 early",
                ],
            ),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "queue",
            chapter: "queue.md",
            title: "`A` and `B` each get one item; `main` puts two into a queue of one place with one condition",
            model: queue,
            listing: ("src/queue.rs", "naive"),
            challenge: Some(("Strand the producer: wake the wrong waiter.", "deadlock")),
            question: ("How can this end?", &["both items got", "deadlock"]),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "pipe",
            chapter: "pipe.md",
            title: "`A` sends 1 and closes; `main` receives, asking \"closed?\" before \"empty?\"",
            model: pipe,
            listing: ("src/pipe/mod.rs", "naive"),
            challenge: Some(("Lose the last message.", "end of file")),
            question: (
                "What can `main` receive?",
                &["1, end of file", "end of file", "1"],
            ),
            fixed: None,
            bound: None,
        },
        Scenario {
            id: "pool",
            chapter: "pool.md",
            title: "Two workers, three tasks, then the naive `terminate`, which sets no flag",
            model: pool,
            listing: ("src/pool/mod.rs", "naive_terminate"),
            challenge: Some((
                "Run a task that a worker took after terminate began: drop task 0 but run task 1.",
                "dropped, ran, dropped",
            )),
            question: (
                "Which fates can the three tasks have?",
                &[
                    "ran, ran, ran",
                    "ran, ran, dropped",
                    "ran, dropped, ran",
                    "ran, dropped, dropped",
                    "dropped, ran, ran",
                    "dropped, ran, dropped",
                    "dropped, dropped, ran",
                    "dropped, dropped, dropped",
                ],
            ),
            fixed: None,
            bound: Some(2),
        },
        Scenario {
            id: "manager",
            chapter: "manager.md",
            title: "`A` and `main` each add one to a count in a manager's dict, with a get then a set",
            model: manager,
            listing: ("src/manager/naive.rs", "naive_increment"),
            challenge: Some(("Lose an update: end with a count of 1.", "1")),
            question: ("What can the count end at?", &["0", "1", "2"]),
            fixed: None,
            bound: Some(0),
        },
    ]
}

/// The scenario named `id`.
pub fn by_id(id: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.id == id)
}

// ---------------------------------------------------------------------------
// The kit: threads and sharing, the same in both builds.

#[cfg(feature = "loom")]
use crate::check::{leak, spawn};

#[cfg(feature = "play")]
fn spawn<T, F>(name: &str, f: F) -> crate::sync::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    crate::sync::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .expect("a play thread always starts")
}

#[cfg(feature = "play")]
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Shows the shared state between moves (play build only).
fn watch(show: impl Fn() -> Vec<(&'static str, String)> + Send + Sync + 'static) {
    #[cfg(feature = "play")]
    crate::play::watch(move || {
        show()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    });
    #[cfg(not(feature = "play"))]
    let _ = show;
}

// ---------------------------------------------------------------------------
// The scenarios.

fn value() -> String {
    use crate::value::{Value, racy_increment};
    let v = leak(Value::new(0));
    watch(move || vec![("value", v.peek().to_string())]);
    let a = spawn("A", move || {
        racy_increment(v);
        racy_increment(v);
    });
    racy_increment(v);
    racy_increment(v);
    a.join().unwrap();
    v.get().to_string()
}

fn value_fixed() -> String {
    use crate::value::{Value, locked_increment};
    let v = leak(Value::new(0));
    watch(move || vec![("value", v.peek().to_string())]);
    let a = spawn("A", move || {
        locked_increment(v);
        locked_increment(v);
    });
    locked_increment(v);
    locked_increment(v);
    a.join().unwrap();
    v.get().to_string()
}

/// Counts a thread in and out of a critical section, remembering the most
/// inside at once.
struct Inside {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Inside {
    fn new() -> Self {
        Inside {
            now: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
        }
    }

    fn enter(&self, what: &str) {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        trace::step(what, now);
        if now > self.most.load(Ordering::Relaxed) {
            self.most.store(now, Ordering::Relaxed);
        }
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::Relaxed);
    }

    fn most(&self) -> usize {
        self.most.load(Ordering::Relaxed)
    }
}

fn lock() -> String {
    use crate::lock::naive::FlagLock;
    let lock = leak(FlagLock::new());
    let inside = leak(Inside::new());
    watch(move || {
        vec![
            ("locked", lock.peek().to_string()),
            (
                "threads inside",
                inside.now.load(Ordering::SeqCst).to_string(),
            ),
        ]
    });
    let body = move || {
        lock.acquire();
        inside.enter("enters; threads inside:");
        inside.leave();
        lock.release();
    };
    let a = spawn("A", body);
    body();
    a.join().unwrap();
    format!("{} inside at once", inside.most())
}

fn rlock() -> String {
    use crate::rlock::naive::PyValue;
    let v = leak(PyValue::new(crate::Lock::new()));
    v.locked_increment();
    v.get().to_string()
}

fn rlock_fixed() -> String {
    use crate::rlock::naive::PyValue;
    let v = leak(PyValue::new(crate::RLock::new()));
    v.locked_increment();
    v.get().to_string()
}

fn condition() -> String {
    use crate::condition::handoff::{put, take_checking_first};
    let slot = leak(crate::Condition::with_value(None));
    let a = spawn("A", move || put(slot, 1));
    let item = take_checking_first(slot);
    a.join().unwrap();
    format!("took {item}")
}

fn semaphore() -> String {
    use crate::semaphore::naive::ReadThenDecrement;
    let sem = leak(ReadThenDecrement::new(1));
    let inside = leak(Inside::new());
    watch(move || {
        vec![
            ("count", sem.peek().to_string()),
            ("holders", inside.now.load(Ordering::SeqCst).to_string()),
        ]
    });
    let body = move || {
        sem.acquire();
        inside.enter("holds a permit; holders:");
        inside.leave();
        sem.release();
    };
    let a = spawn("A", body);
    body();
    a.join().unwrap();
    match inside.most() {
        1 => "1 holder at once".to_string(),
        n => format!("{n} holders at once"),
    }
}

fn barrier() -> String {
    use crate::barrier::naive::CounterAndFlag;
    let barrier = leak(CounterAndFlag::new(2));
    // How many threads have arrived in each round; a thread that leaves a
    // round before both arrived writes the round here.
    let arrived = leak([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let early = leak(AtomicUsize::new(0));
    watch(move || {
        vec![
            ("arrived", barrier.peek_arrived().to_string()),
            ("open", barrier.peek_open().to_string()),
        ]
    });
    let rounds = move || {
        for (round, count) in arrived.iter().enumerate() {
            count.fetch_add(1, Ordering::SeqCst);
            barrier.wait();
            let seen = count.load(Ordering::SeqCst);
            trace::step(&format!("leaves round {}; arrived in it:", round + 1), seen);
            if seen < 2 && early.load(Ordering::SeqCst) == 0 {
                early.store(round + 1, Ordering::SeqCst);
            }
        }
    };
    let a = spawn("A", rounds);
    rounds();
    a.join().unwrap();
    match early.load(Ordering::SeqCst) {
        0 => "every round whole".to_string(),
        round => format!("left round {round} early"),
    }
}

fn queue() -> String {
    use crate::queue::naive::OneConditionQueue;
    let q = leak(OneConditionQueue::bounded(1));
    watch(move || vec![("items", q.peek_len().to_string())]);
    let a = spawn("A", move || q.get());
    let b = spawn("B", move || q.get());
    q.put(1);
    q.put(2);
    a.join().unwrap();
    b.join().unwrap();
    "both items got".to_string()
}

fn pipe() -> String {
    use crate::pipe::naive::recv_closed_first;
    let (reader, writer) = crate::pipe_oneway();
    let a = spawn("A", move || {
        writer.send(1).unwrap();
        writer.close();
    });
    let mut got = vec![recv_closed_first(&reader)];
    if got[0].is_ok() {
        got.push(recv_closed_first(&reader));
    }
    a.join().unwrap();
    let parts: Vec<String> = got
        .into_iter()
        .map(|r| match r {
            Ok(x) => x.to_string(),
            Err(e) if e.is_eof() => "end of file".to_string(),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    parts.join(", ")
}

fn pool() -> String {
    let pool = leak(crate::Pool::new(2));
    let ran = leak([
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ]);
    let results: Vec<_> = (0..3)
        .map(|i| {
            pool.apply_async(move || {
                trace::step("runs task", i);
                ran[i].fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    trace::step("calls terminate", "");
    crate::pool::naive::terminate_without_flag(pool);
    for result in results {
        let _ = result.get();
    }
    pool.join().unwrap();
    let fates: Vec<&str> = ran
        .iter()
        .map(|r| match r.load(Ordering::Relaxed) {
            0 => "dropped",
            _ => "ran",
        })
        .collect();
    fates.join(", ")
}

fn manager() -> String {
    use crate::manager::naive::increment;
    let manager = crate::Manager::new();
    let (d_a, d_main) = (manager.dict(), manager.dict());
    let a = spawn("A", move || increment(&d_a, "n").unwrap());
    increment(&d_main, "n").unwrap();
    a.join().unwrap();
    let count = d_main.get("n").unwrap().unwrap_or(0);
    manager.shutdown();
    count.to_string()
}
