//! Broken twins of the Barrier chapter: a small copy of
//! [`Barrier`](crate::Barrier) (its phases on a `Condition`), with one
//! mistake, named by [`Mistake`].

use crate::condition::Condition;
use crate::error::BrokenBarrierError;
use crate::trace;

/// The one mistake a [`TwinBarrier`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// The last thread to leave a round does not open the next one (the
    /// real one sets `Filling` again): the round is never advanced, and
    /// the next round's threads wait for ever.
    RoundNotAdvanced,
    /// A thread arriving does not wait for the last round to drain (the
    /// real one does): a fast thread counts itself into the round still
    /// being left, and leaves it at once.
    NoWaitForDrain,
    /// `reset` changes the phase but notifies nobody (the real one wakes
    /// every waiter): the threads waiting sleep on.
    ResetWithoutNotify,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Filling,
    Draining,
    Resetting,
    Broken,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    count: usize,
}

/// A barrier for `parties` threads that makes one [`Mistake`].
#[derive(Debug)]
pub struct TwinBarrier {
    parties: usize,
    state: Condition<State>,
    mistake: Mistake,
}

impl TwinBarrier {
    /// A barrier for `parties` threads.
    pub fn new(parties: usize, mistake: Mistake) -> Self {
        TwinBarrier {
            parties,
            state: Condition::with_value(State {
                phase: Phase::Filling,
                count: 0,
            }),
            mistake,
        }
    }

    /// As `Barrier::wait`.
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        let cond = &self.state;
        let mut state = cond.guard();
        if self.mistake != Mistake::NoWaitForDrain {
            cond.wait_for(&mut state, |s| {
                !matches!(s.phase, Phase::Draining | Phase::Resetting)
            });
        }
        if state.phase == Phase::Broken {
            return Err(BrokenBarrierError);
        }
        let index = state.count;
        state.count += 1;
        trace::step("arrives; count:", state.count);
        let result = if state.count == self.parties {
            state.phase = Phase::Draining;
            cond.notify_all();
            Ok(index)
        } else {
            cond.wait_for(&mut state, |s| s.phase != Phase::Filling);
            match state.phase {
                Phase::Draining => Ok(index),
                _ => Err(BrokenBarrierError),
            }
        };
        state.count -= 1;
        let last = state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting);
        if last && self.mistake != Mistake::RoundNotAdvanced {
            state.phase = Phase::Filling;
            cond.notify_all();
        }
        result
    }

    /// As `Barrier::reset`.
    pub fn reset(&self) {
        let mut state = self.state.guard();
        if state.count > 0 {
            if matches!(state.phase, Phase::Filling | Phase::Broken) {
                state.phase = Phase::Resetting;
            }
        } else {
            state.phase = Phase::Filling;
        }
        if self.mistake != Mistake::ResetWithoutNotify {
            self.state.notify_all();
        }
    }

    /// As `Barrier::abort`.
    pub fn abort(&self) {
        self.state.guard().phase = Phase::Broken;
        self.state.notify_all();
    }

    /// As `Barrier::n_waiting`.
    pub fn n_waiting(&self) -> usize {
        let state = self.state.guard();
        if state.phase == Phase::Filling {
            state.count
        } else {
            0
        }
    }

    /// As `Barrier::broken`.
    pub fn broken(&self) -> bool {
        self.state.guard().phase == Phase::Broken
    }
}
