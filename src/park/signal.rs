//! How one thread sleeps and another wakes it ([`Signal`]), and how long a
//! timed wait may sleep ([`Deadline`]).
//!
//! The one place where the real build and the model build wake threads
//! differently: std's park token in the first, a loom `Notify` per wait in
//! the second (see [`Signal`] for why).

/// How a waiting thread is woken: the waiter makes a `Signal`, leaves a
/// clone of it in a wait queue and waits on it; a waker calls `wake` on the
/// clone.
///
/// In the real build it is the thread's park/unpark token. In the model
/// build it is a loom `Notify` made for this one wait: loom's own park
/// token is lost when it is sent to a thread that is blocked on something
/// else at that moment (a `Mutex`), which std's never is.
#[cfg(not(any(feature = "loom", feature = "play")))]
#[derive(Clone, Debug)]
pub(crate) struct Signal(std::thread::Thread);

#[cfg(not(any(feature = "loom", feature = "play")))]
impl Signal {
    /// A signal that wakes the calling thread.
    pub(crate) fn new() -> Self {
        Signal(std::thread::current())
    }

    pub(crate) fn wake(&self) {
        self.0.unpark();
    }

    /// Whether waking `self` and `other` wakes the same thread.
    pub(crate) fn wakes_same_thread_as(&self, other: &Signal) -> bool {
        self.0.id() == other.0.id()
    }

    /// Sleeps until woken (or spuriously).
    pub(crate) fn wait(&self) {
        std::thread::park();
    }

    /// Sleeps until woken, or `timeout` has passed (or spuriously).
    pub(crate) fn wait_timeout(&self, timeout: std::time::Duration) {
        std::thread::park_timeout(timeout);
    }
}

#[cfg(feature = "loom")]
#[derive(Clone)]
pub(crate) struct Signal(std::sync::Arc<loom::sync::Notify>);

#[cfg(feature = "loom")]
impl std::fmt::Debug for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signal")
    }
}

#[cfg(feature = "loom")]
impl Signal {
    pub(crate) fn new() -> Self {
        Signal(std::sync::Arc::new(loom::sync::Notify::new()))
    }

    pub(crate) fn wake(&self) {
        self.0.notify();
    }

    /// Whether `self` and `other` are the same wait's signal (in the model
    /// build a signal is made per wait).
    pub(crate) fn wakes_same_thread_as(&self, other: &Signal) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn wait(&self) {
        self.0.wait();
    }

    /// A timed wait may end at any moment: let the others run, and return.
    pub(crate) fn wait_timeout(&self, _timeout: std::time::Duration) {
        loom::thread::yield_now();
    }
}

/// In the play build a signal is a flag made for this one wait, and the
/// wait is a pause of the play scheduler (`sync/play/`) until the flag
/// is set: a sleeping thread cannot be chosen to run.
#[cfg(feature = "play")]
#[derive(Clone, Debug)]
pub(crate) struct Signal(std::sync::Arc<std::sync::atomic::AtomicBool>);

#[cfg(feature = "play")]
impl Signal {
    pub(crate) fn new() -> Self {
        Signal(std::sync::Arc::default())
    }

    pub(crate) fn wake(&self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn wakes_same_thread_as(&self, other: &Signal) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn wait(&self) {
        crate::sync::play::block_on(&self.0);
    }

    /// As under loom: a timed wait may end at any moment.
    pub(crate) fn wait_timeout(&self, _timeout: std::time::Duration) {
        crate::sync::play::pause_timed();
    }
}

/// A point in time after which a timed wait gives up.
///
/// Time is the one thing loom does not model. Under loom (and in the play
/// build, which follows it) a deadline leaves
/// time for exactly one (spurious) wait and has passed after that, so a
/// model explores both the "woken in time" and the "timed out" paths.
#[derive(Debug)]
pub(crate) struct Deadline {
    #[cfg(not(any(feature = "loom", feature = "play")))]
    at: Option<std::time::Instant>,
    #[cfg(any(feature = "loom", feature = "play"))]
    waits_left: std::cell::Cell<u8>,
}

impl Deadline {
    pub(crate) fn after(timeout: std::time::Duration) -> Self {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        {
            // A timeout too large to represent is as good as "never".
            Deadline {
                at: std::time::Instant::now().checked_add(timeout),
            }
        }
        #[cfg(any(feature = "loom", feature = "play"))]
        {
            let _ = timeout;
            Deadline {
                waits_left: std::cell::Cell::new(1),
            }
        }
    }

    /// Time left to wait, or `None` once the deadline has passed.
    pub(crate) fn remaining(&self) -> Option<std::time::Duration> {
        #[cfg(not(any(feature = "loom", feature = "play")))]
        {
            match self.at {
                None => Some(std::time::Duration::MAX),
                Some(at) => at
                    .checked_duration_since(std::time::Instant::now())
                    .filter(|left| !left.is_zero()),
            }
        }
        #[cfg(any(feature = "loom", feature = "play"))]
        {
            let left = self.waits_left.get();
            self.waits_left.set(left.saturating_sub(1));
            (left > 0).then_some(std::time::Duration::ZERO)
        }
    }
}
