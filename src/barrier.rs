//! `Barrier`: Python's `threading.Barrier`, built on the crate's
//! [`Condition`]. Its phases (`Filling`, `Draining`, `Resetting`,
//! `Broken`) and their transitions are drawn beside `Phase` below.

use std::time::Duration;

use crate::condition::Condition;
use crate::error::BrokenBarrierError;
use crate::park::Deadline;

// ANCHOR: state
/// Where a barrier is in its cycle.
///
/// ```text
/// Filling --last arrival--> Draining --last leaver--> Filling
/// Filling --reset, waiters--> Resetting --last leaver--> Filling
/// any --timeout or abort--> Broken --reset--> Filling (or Resetting)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Threads are arriving.
    Filling,
    /// All have arrived; they are leaving. Newcomers wait: nobody runs
    /// into the next round before the last of this one has left.
    Draining,
    /// `reset` with threads waiting: they leave with an error.
    Resetting,
    /// Every `wait` fails until `reset`.
    Broken,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Threads inside `wait` in this round (arrived and not yet left).
    count: usize,
}
// ANCHOR_END: state

/// A meeting point for a fixed number of threads, as `threading.Barrier`.
///
/// Each `wait` blocks until `parties` threads have called it; then all
/// return, each with a distinct arrival index in `0..parties`. The barrier
/// is reusable. A timeout breaks it for everyone, as does `abort`; a broken
/// barrier fails every `wait` at once until `reset`.
///
/// ```
/// use std::thread;
/// use syncbook::Barrier;
///
/// let barrier = Barrier::new(3);
/// let mut indices: Vec<usize> = thread::scope(|s| {
///     let threads: Vec<_> = (0..3).map(|_| s.spawn(|| barrier.wait().unwrap())).collect();
///     threads.into_iter().map(|t| t.join().unwrap()).collect()
/// });
/// indices.sort();
/// assert_eq!(indices, vec![0, 1, 2]);
/// ```
#[derive(Debug)]
pub struct Barrier {
    parties: usize,
    state: Condition<State>,
}

impl Barrier {
    /// `threading.Barrier(parties)`.
    ///
    /// # Panics
    /// If `parties` is 0. (Python accepts `Barrier(0)`, and its first
    /// `wait()` never returns: a barrier for nobody is a mistake, better
    /// caught at once than as a hang.)
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a barrier needs at least one party");
        Barrier {
            parties,
            state: Condition::with_value(State {
                phase: Phase::Filling,
                count: 0,
            }),
        }
    }

    /// `barrier.wait()`: blocks until all parties have arrived; returns
    /// this thread's arrival index, or `Err` if the barrier is or becomes
    /// broken.
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        self.wait_until(None)
    }

    /// `barrier.wait(timeout)`: as `wait`; if the time runs out first, the
    /// barrier breaks, for everyone, and this returns `Err`.
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrierError> {
        self.wait_until(Some(&Deadline::after(timeout)))
    }

    // ANCHOR: wait
    fn wait_until(&self, deadline: Option<&Deadline>) -> Result<usize, BrokenBarrierError> {
        let cond = &self.state;
        let mut state = cond.guard();
        // A round still draining (or resetting): wait until it is over.
        cond.wait_for(&mut state, |s| {
            !matches!(s.phase, Phase::Draining | Phase::Resetting)
        });
        if state.phase == Phase::Broken {
            return Err(BrokenBarrierError);
        }
        let index = state.count;
        state.count += 1;
        let result = if state.count == self.parties {
            state.phase = Phase::Draining; // the last arrival lets all go
            cond.notify_all();
            Ok(index)
        } else {
            let released =
                cond.wait_for_deadline(&mut state, |s| s.phase != Phase::Filling, deadline);
            if !released {
                state.phase = Phase::Broken; // a timeout breaks it for all
                cond.notify_all();
            }
            match state.phase {
                Phase::Draining => Ok(index),
                _ => Err(BrokenBarrierError),
            }
        };
        // Leave; the last to leave opens the next round.
        state.count -= 1;
        if state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state.phase = Phase::Filling;
            cond.notify_all();
        }
        result
    }
    // ANCHOR_END: wait

    /// `barrier.reset()`: threads waiting now get `Err`; then the barrier
    /// is usable again (also after being broken).
    pub fn reset(&self) {
        let mut state = self.state.guard();
        if state.count > 0 {
            if matches!(state.phase, Phase::Filling | Phase::Broken) {
                state.phase = Phase::Resetting;
            }
        } else {
            state.phase = Phase::Filling;
        }
        self.state.notify_all();
    }

    /// `barrier.abort()`: breaks the barrier; every `wait`, now and later,
    /// fails until `reset`.
    pub fn abort(&self) {
        self.state.guard().phase = Phase::Broken;
        self.state.notify_all();
    }

    /// `barrier.broken`
    pub fn broken(&self) -> bool {
        self.state.guard().phase == Phase::Broken
    }

    /// `barrier.parties`
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// `barrier.n_waiting`: threads waiting in the current round.
    pub fn n_waiting(&self) -> usize {
        let state = self.state.guard();
        if state.phase == Phase::Filling {
            state.count
        } else {
            0
        }
    }
}

/// The naive barrier: a counter and a flag. Right once; wrong when reused.
pub mod naive {
    use crate::sync::{AtomicBool, AtomicUsize, Ordering, thread};
    use crate::trace;

    // ANCHOR: naive
    /// The last arrival raises the flag and everybody goes. The flag stays
    /// up, so in the next round nobody waits at all.
    #[derive(Debug)]
    pub struct CounterAndFlag {
        parties: usize,
        arrived: AtomicUsize,
        open: AtomicBool,
    }

    impl CounterAndFlag {
        /// A barrier for `parties` threads.
        pub fn new(parties: usize) -> Self {
            CounterAndFlag {
                parties,
                arrived: AtomicUsize::new(0),
                open: AtomicBool::new(false),
            }
        }

        /// Counts in; the last one opens the gate; the others wait for it.
        pub fn wait(&self) {
            let arrived = self.arrived.fetch_add(1, Ordering::SeqCst) + 1;
            trace::step("arrives; arrived =", arrived);
            if arrived == self.parties {
                self.arrived.store(0, Ordering::SeqCst); // ready for reuse?
                self.open.store(true, Ordering::SeqCst);
                trace::step("opens the gate", "");
            } else {
                while !self.open.load(Ordering::SeqCst) {
                    thread::yield_now();
                }
                trace::step("sees the gate open, leaves", "");
            }
        }
    }
    // ANCHOR_END: naive

    /// For the play scheduler's view of the state.
    #[cfg(any(feature = "loom", feature = "play"))]
    impl CounterAndFlag {
        pub(crate) fn peek_arrived(&self) -> usize {
            self.arrived.load(Ordering::SeqCst)
        }

        pub(crate) fn peek_open(&self) -> bool {
            self.open.load(Ordering::SeqCst)
        }
    }
}
