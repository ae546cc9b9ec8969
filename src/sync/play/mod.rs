//! The play build's scheduler (the `play` feature, package `syncbook_play`):
//! the crate's own code runs on real threads, one step at a time, in an
//! order that someone else chooses.
//!
//! A *world* is one run of a model. Its threads are real OS threads, but
//! only one of them runs at a time: the one the driver chose. It runs until
//! it reaches a *pause*, then the driver chooses again. The pauses are:
//!
//! - a recorded step ([`crate::trace::step`]): the thread is still ready;
//! - a wait ([`block_on`], under a `Signal`'s wait, or a `join`): the
//!   thread is blocked until its flag is set by another thread's wake;
//! - a `yield_now` (a spin loop's turn): the thread is ready again once
//!   another thread has moved;
//! - the thread's end.
//!
//! So, per thread: *ready* → (chosen) *running* → *ready* | *blocked* |
//! *yielded* | *finished*; *blocked* → *ready* when its flag is set;
//! *yielded* → *ready* when another thread has run. Everything between two
//! pauses happens at once as far as the other threads can tell: the unit of
//! an interleaving is the step. A world where nothing is ready and a thread
//! is still blocked has deadlocked; the driver then *aborts* it: every
//! paused thread unwinds from its pause, and the world's threads end.
//!
//! This module is a leaf, as the rest of `sync`: it imports nothing from the
//! crate. The driver's side is [`World`], here; the model code's side is
//! [`step`], [`block_on`], [`pause_timed`] and [`thread`], in `model.rs`.

mod model;
pub(crate) use model::{
    block_on, hint, note, pause_labelled, pause_timed, set_watch, step, thread,
};

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once};

/// One recorded step: which thread, what it did, and where in the source
/// the step was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The thread's name (`main` for the model's own thread).
    pub thread: String,
    /// The step table's words, or, for a move that recorded no step, what
    /// the thread did instead, in brackets: `(waits)`, `(ends)`, `(spins)`.
    pub what: String,
    /// The source file and line that recorded the step (`None` for a move
    /// without a step).
    pub at: Option<(&'static str, u32)>,
}

impl Move {
    /// Whether this move recorded a step (as loom's traces have them),
    /// rather than only waiting, ending or spinning.
    pub fn is_step(&self) -> bool {
        self.at.is_some()
    }
}

/// How a world ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The model's own thread returned this.
    Returned(String),
    /// Nothing could run, and some thread was still waiting.
    Deadlock,
    /// Nothing could run but threads spinning for a change that nobody can
    /// make any more.
    Livelock,
    /// A thread panicked with this message.
    Panicked(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Ready,
    Blocked,
    Yielded,
    Finished,
}

#[derive(Debug)]
struct Thread {
    name: String,
    status: Status,
    /// While blocked: the flag whose setting makes it ready.
    wake: Option<Arc<AtomicBool>>,
    /// Whether it last ran from a spin with nobody else able to move: if it
    /// spins again before anyone else moves, it spins for ever.
    spun_alone: bool,
}

#[derive(Debug, Default)]
struct State {
    threads: Vec<Thread>,
    /// The thread that may run now; `None` while the driver chooses.
    running: Option<usize>,
    moves: Vec<Move>,
    abort: bool,
    returned: Option<String>,
    panicked: Option<String>,
    os_threads: Vec<std::thread::JoinHandle<()>>,
}

/// What a model shows of its shared state, for the driver to call while
/// every thread is stopped.
type Show = Box<dyn Fn() -> Vec<(String, String)> + Send + Sync>;

/// One run of a model, driven step by step.
pub struct World {
    state: Mutex<State>,
    changed: Condvar,
    show: Mutex<Option<Show>>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World").field("state", &self.state).finish()
    }
}

/// The most moves `finish` makes to play a run to its end.
const MAX_MOVES: usize = 100_000;

/// How long a thread of an aborted run may wait, as it unwinds, for
/// something that another unwinding thread may still do.
const LEAVE_BEHIND_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// The payload a paused thread unwinds with when its world is aborted.
struct Aborted;

std::thread_local! {
    /// The world of the calling model thread, and its index there.
    static ME: RefCell<Option<(Arc<World>, usize)>> = const { RefCell::new(None) };
}

fn me() -> Option<(Arc<World>, usize)> {
    ME.with(|m| m.borrow().clone())
}

impl World {
    /// A world whose model thread `main` will run `model` once chosen; it
    /// has not run yet.
    pub fn start(model: impl FnOnce() -> String + Send + 'static) -> Arc<World> {
        silence_model_panics();
        let world = Arc::new(World {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            show: Mutex::new(None),
        });
        let inner = world.clone();
        world.register("main", move || {
            let result = model();
            inner.lock().returned = Some(result);
        });
        world
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a thread named `name`, ready, that runs `body` once chosen.
    fn register(self: &Arc<Self>, name: &str, body: impl FnOnce() + Send + 'static) -> usize {
        let mut state = self.lock();
        let index = state.threads.len();
        state.threads.push(Thread {
            name: name.to_string(),
            status: Status::Ready,
            wake: None,
            spun_alone: false,
        });
        let world = self.clone();
        let os = std::thread::Builder::new()
            .name(format!("play {name}"))
            .spawn(move || {
                ME.with(|m| *m.borrow_mut() = Some((world.clone(), index)));
                let ran = catch_unwind(AssertUnwindSafe(|| {
                    world.wait_turn(index);
                    body();
                }));
                let mut state = world.lock();
                if let Err(payload) = ran
                    && !payload.is::<Aborted>()
                    && state.panicked.is_none()
                {
                    state.panicked = Some(message_of(&*payload));
                }
                state.threads[index].status = Status::Finished;
                if state.running == Some(index) {
                    state.running = None;
                }
                world.changed.notify_all();
            })
            .expect("the operating system refused to start a play thread");
        state.os_threads.push(os);
        index
    }

    /// The names of the threads that can take a step now, in the order
    /// they were started.
    pub fn ready(&self) -> Vec<String> {
        let state = self.wait_all_paused();
        ready_in(&state)
            .into_iter()
            .map(|i| state.threads[i].name.clone())
            .collect()
    }

    /// Lets the thread `name` run to its next pause, and returns the steps
    /// it recorded on the way (at least one: if it recorded none, what it
    /// did instead, in brackets). `Err` (naming those that can) if it
    /// cannot run now.
    pub fn advance(&self, name: &str) -> Result<Vec<Move>, String> {
        let mut state = self.wait_all_paused();
        let ready = ready_in(&state);
        let Some(index) = ready
            .iter()
            .copied()
            .find(|&i| state.threads[i].name == name)
        else {
            let names: Vec<&str> = ready
                .iter()
                .map(|&i| state.threads[i].name.as_str())
                .collect();
            return Err(if names.is_empty() {
                format!("`{name}` cannot move: the run has ended")
            } else {
                format!("`{name}` cannot move now; these can: {}", names.join(", "))
            });
        };
        let before = state.moves.len();
        // A move by this thread is the change spinning threads wait for.
        let alone = state.threads[index].status == Status::Yielded;
        for (i, thread) in state.threads.iter_mut().enumerate() {
            if i != index && thread.status == Status::Yielded {
                thread.status = Status::Ready;
                thread.spun_alone = false;
            }
        }
        state.threads[index].spun_alone = alone;
        state.threads[index].status = Status::Ready;
        state.threads[index].wake = None;
        state.running = Some(index);
        self.changed.notify_all();
        while state.running.is_some() {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        Ok(match state.moves.len() - before {
            0 => vec![Move {
                thread: name.to_string(),
                what: match state.threads[index].status {
                    Status::Finished => "(ends)",
                    Status::Blocked => "(waits)",
                    _ => "(spins)",
                }
                .to_string(),
                at: None,
            }],
            _ => state.moves[before..].to_vec(),
        })
    }

    /// How the run ended, once it has: the model returned, a thread
    /// panicked, or nothing can move. `None` while something can.
    pub fn end(&self) -> Option<End> {
        let state = self.wait_all_paused();
        if let Some(message) = &state.panicked {
            return Some(End::Panicked(message.clone()));
        }
        if state.threads.iter().all(|t| t.status == Status::Finished) {
            let returned = state.returned.clone().unwrap_or_default();
            return Some(End::Returned(returned));
        }
        if !ready_in(&state).is_empty() {
            return None;
        }
        if state.threads.iter().any(|t| t.status == Status::Yielded) {
            Some(End::Livelock)
        } else {
            Some(End::Deadlock)
        }
    }

    /// Ends the run: every thread still paused unwinds from its pause, and
    /// every OS thread of the world is joined.
    ///
    /// A run that has not ended is first played to its end (the first
    /// thread that can move, each time), so that no thread unwinds from
    /// the middle of its work; only a deadlock or a livelock is left for
    /// the threads to unwind from. A thread whose clean-up on the way out
    /// waits for something that never comes (a lock its stuck owner holds)
    /// is left behind after a while, asleep, rather than wait for ever.
    pub fn finish(&self) {
        for _ in 0..MAX_MOVES {
            if self.end().is_some() {
                break;
            }
            let Some(first) = self.ready().into_iter().next() else {
                break;
            };
            let _ = self.advance(&first);
        }
        let mut state = self.wait_all_paused();
        state.abort = true;
        self.changed.notify_all();
        let deadline = std::time::Instant::now() + LEAVE_BEHIND_AFTER * 2;
        while state.threads.iter().any(|t| t.status != Status::Finished) {
            let now = std::time::Instant::now();
            if now >= deadline {
                break;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        let handles = std::mem::take(&mut state.os_threads);
        drop(state);
        for handle in handles {
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }

    /// The model's shared state now, as its `watch` shows it (empty if it
    /// has none).
    pub fn watch(&self) -> Vec<(String, String)> {
        let _paused = self.wait_all_paused();
        let show = self.show.lock().unwrap_or_else(|e| e.into_inner());
        show.as_ref().map(|show| show()).unwrap_or_default()
    }

    fn wait_all_paused(&self) -> MutexGuard<'_, State> {
        let mut state = self.lock();
        while state.running.is_some() {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state
    }

    /// Model side: gives the turn back with `status`, and waits to be
    /// chosen again (or for the world's abort, which unwinds).
    fn pause(&self, index: usize, status: Status, wake: Option<Arc<AtomicBool>>) {
        let mut state = self.lock();
        if state.abort {
            drop(state);
            return abort_here();
        }
        state.threads[index].status = status;
        state.threads[index].wake = wake;
        state.running = None;
        self.changed.notify_all();
        drop(state);
        self.wait_turn(index);
    }

    fn wait_turn(&self, index: usize) {
        let mut state = self.lock();
        while state.running != Some(index) && !state.abort {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        if state.abort {
            drop(state);
            abort_here();
        }
    }

    fn lock_name(&self, index: usize) -> String {
        self.lock().threads[index].name.clone()
    }

    fn record(&self, index: usize, what: String, at: (&'static str, u32)) {
        let mut state = self.lock();
        let thread = state.threads[index].name.clone();
        state.moves.push(Move {
            thread,
            what,
            at: Some(at),
        });
    }
}

/// Unwinds the calling model thread out of its aborted world (unless it is
/// unwinding already: then its clean-up goes on, and pauses no more).
fn abort_here() {
    if !std::thread::panicking() {
        resume_unwind(Box::new(Aborted));
    }
}

/// Who can move: the ready threads and the woken ones; if there are none,
/// the spinning ones (a spin looks again), but not one that already spun
/// with nobody else able to move (it would spin for ever: a livelock).
fn ready_in(state: &State) -> Vec<usize> {
    if state.abort {
        return Vec::new();
    }
    let can = |want_spinning: bool| -> Vec<usize> {
        (0..state.threads.len())
            .filter(|&i| {
                let thread = &state.threads[i];
                match thread.status {
                    Status::Ready => !want_spinning,
                    Status::Blocked => {
                        !want_spinning
                            && thread
                                .wake
                                .as_ref()
                                .is_some_and(|w| w.load(Ordering::SeqCst))
                    }
                    Status::Yielded => want_spinning && !thread.spun_alone,
                    Status::Finished => false,
                }
            })
            .collect()
    };
    let moving = can(false);
    if moving.is_empty() { can(true) } else { moving }
}

fn message_of(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Model threads' panics are outcomes, reported by the driver: not printed.
fn silence_model_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if me().is_none() {
                previous(info);
            }
        }));
    });
}
