//! The play build's scheduler, the model code's side: what the crate's
//! code calls where a model thread may pause ([`step`], [`note`],
//! [`block_on`], [`pause_labelled`], [`pause_timed`]), and the play build's
//! `std::thread` and `std::hint`. Each finds its world through the calling
//! thread (`me`); outside a world, a pause point does nothing. The
//! driver's side, [`World`](super::World), is in `mod.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{LEAVE_BEHIND_AFTER, Move, Show, Status, me};

/// Model side: how the calling thread's world shows its shared state.
pub(crate) fn set_watch(show: Show) {
    if let Some((world, _)) = me() {
        *world.show.lock().unwrap_or_else(|e| e.into_inner()) = Some(show);
    }
}

/// Model side: records a step and pauses. Outside a world (or once it is
/// aborted), does nothing.
pub(crate) fn step(what: String, at: (&'static str, u32)) {
    let Some((world, index)) = me() else { return };
    if world.lock().abort {
        return;
    }
    world.record(index, what, at);
    world.pause(index, Status::Ready, None);
}

/// Model side: records a step inside a primitive's operation, without
/// pausing: the operation goes on in the same move.
pub(crate) fn note(what: String, at: (&'static str, u32)) {
    let Some((world, index)) = me() else { return };
    if world.lock().abort {
        return;
    }
    world.record(index, what, at);
}

/// Model side: waits until `flag` is set (by another thread's wake), then
/// clears it. Returns at once if it is set already.
pub(crate) fn block_on(flag: &Arc<AtomicBool>) {
    if flag.swap(false, Ordering::SeqCst) {
        return;
    }
    let (world, index) = me().expect("a play build's thread waits outside a play world");
    if std::thread::panicking() {
        // Unwinding out of an aborted world, the threads run side by side:
        // wait for the flag for real, a while, and then give up (a wait
        // that returns early is looked at again by its caller).
        let _ = (world, index);
        let until = std::time::Instant::now() + LEAVE_BEHIND_AFTER;
        while std::time::Instant::now() < until {
            if flag.swap(false, Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // Nothing will come: stay asleep, left behind (see `finish`).
        loop {
            std::thread::park();
        }
    }
    world.pause(index, Status::Blocked, Some(flag.clone()));
    flag.store(false, Ordering::SeqCst);
}

/// Model side: a place where another thread may go first (after a wake),
/// recorded as `label` in the moves.
pub(crate) fn pause_labelled(label: &str) {
    let Some((world, index)) = me() else { return };
    if world.lock().abort {
        return;
    }
    let thread = world.lock_name(index);
    world.lock().moves.push(Move {
        thread,
        what: label.to_string(),
        at: None,
    });
    world.pause(index, Status::Ready, None);
}

/// Model side: a timed wait may end at any moment: give the turn back,
/// staying ready (as under loom, where it is a yield).
pub(crate) fn pause_timed() {
    if let Some((world, index)) = me() {
        world.pause(index, Status::Ready, None);
    }
}

/// The play build's `std::hint`: a spin loop's turn gives the others a
/// chance to move, as under loom (a busy spin would wait for ever for a
/// thread that is stopped).
pub(crate) mod hint {
    pub(crate) fn spin_loop() {
        super::thread::yield_now();
    }
}

/// The play build's `std::thread`: the same API, for the threads the crate
/// and its models start, each one a thread of the caller's world.
pub(crate) mod thread {
    use super::super::{Status, me};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    /// A play thread's identity within its world.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub(crate) struct ThreadId(usize);

    /// A play thread.
    #[derive(Clone, Debug)]
    pub(crate) struct Thread {
        id: ThreadId,
    }

    impl Thread {
        pub(crate) fn id(&self) -> ThreadId {
            self.id
        }
    }

    /// The calling play thread.
    pub(crate) fn current() -> Thread {
        let (_, index) = me().expect("a play build's thread outside a play world");
        Thread {
            id: ThreadId(index),
        }
    }

    /// A spin loop's turn: others run before this thread runs again.
    pub(crate) fn yield_now() {
        if let Some((world, index)) = me() {
            world.pause(index, Status::Yielded, None);
        }
    }

    /// Waits for a play thread to end.
    #[derive(Debug)]
    pub(crate) struct JoinHandle<T> {
        thread: Thread,
        done: Arc<AtomicBool>,
        result: Arc<Mutex<Option<std::thread::Result<T>>>>,
    }

    impl<T> JoinHandle<T> {
        pub(crate) fn join(self) -> std::thread::Result<T> {
            if !self.done.load(Ordering::SeqCst) {
                super::block_on(&self.done);
            }
            let mut result = self.result.lock().unwrap_or_else(|e| e.into_inner());
            // No result: the thread panicked (the world reports it), or the
            // world is being aborted.
            result
                .take()
                .unwrap_or_else(|| Err(Box::new("the play thread did not return")))
        }

        pub(crate) fn thread(&self) -> &Thread {
            &self.thread
        }
    }

    /// As `std::thread::Builder`: a name, then `spawn`.
    #[derive(Debug, Default)]
    pub(crate) struct Builder {
        name: Option<String>,
    }

    impl Builder {
        pub(crate) fn new() -> Self {
            Builder::default()
        }

        pub(crate) fn name(self, name: String) -> Self {
            Builder { name: Some(name) }
        }

        pub(crate) fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let (world, me_index) =
                me().expect("a play build's thread spawns outside a play world");
            let done = Arc::new(AtomicBool::new(false));
            let result = Arc::new(Mutex::new(None));
            let name = self.name.unwrap_or_else(|| {
                let count = world.lock().threads.len();
                count.to_string()
            });
            let (done_in, result_in) = (done.clone(), result.clone());
            let index = world.register(&name, move || {
                // A panic here is the world's outcome (the driver reports
                // it); a joiner finds the thread ended all the same.
                struct Done(Arc<AtomicBool>);
                impl Drop for Done {
                    fn drop(&mut self) {
                        self.0.store(true, Ordering::SeqCst);
                    }
                }
                let _done = Done(done_in);
                let value = f();
                *result_in.lock().unwrap_or_else(|e| e.into_inner()) = Some(Ok(value));
            });
            // Starting a thread is a move of its own (as under loom): the
            // new thread may run before the one that started it goes on.
            let starter = world.lock_name(me_index);
            world.lock().moves.push(super::super::Move {
                thread: starter,
                what: format!("(starts {name})"),
                at: None,
            });
            world.pause(me_index, Status::Ready, None);
            Ok(JoinHandle {
                thread: Thread {
                    id: ThreadId(index),
                },
                done,
                result,
            })
        }
    }

    /// As `std::thread::spawn`.
    pub(crate) fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Builder::new()
            .spawn(f)
            .expect("a play thread always starts")
    }
}
