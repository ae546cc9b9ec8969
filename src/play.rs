//! Be the scheduler (play build only): run a model's threads one step at a
//! time in an order you choose, or in every order.
//!
//! A model is a function that starts its threads (with
//! [`scenarios`](crate::scenarios)' `spawn`), lets them run, and returns
//! its outcome as text. Each of its threads stops after every recorded
//! step ([`trace::step`](crate::trace::step)), after it starts to wait,
//! and when it ends; a *schedule* names, move by move, which thread goes
//! next. Three uses:
//!
//! - [`run`]: replay one schedule (`main, A, A, main`), and get each move
//!   and how the run ended;
//! - [`Session`]: choose as you go, with undo;
//! - [`explore`]: every schedule, as a tree whose leaves are the outcomes
//!   that interleavings of whole steps can reach.
//!
//! A step is the unit: nothing another thread does can fall between the
//! parts of one step. loom, which switches threads at every atomic
//! operation and lets a read see an older write, must find the same
//! outcomes, or a step hides a race; the tests check that it does.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::sync::play::World;
pub use crate::sync::play::{End, Move};

impl End {
    /// The outcome as the book and the panels name it: what the model
    /// returned, or `deadlock`, `livelock`, or `panicked: <message>`.
    pub fn outcome(&self) -> String {
        match self {
            End::Returned(value) => value.clone(),
            End::Deadlock => "deadlock".to_string(),
            End::Livelock => "livelock".to_string(),
            End::Panicked(message) => format!("panicked: {message}"),
        }
    }
}

/// A model: starts its threads, returns its outcome.
pub type Model = fn() -> String;

/// One run so far: the moves made, and the end if it has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The moves, in order: each one the steps one thread recorded between
    /// two of its stops (one step, mostly; a primitive's operation may
    /// record a few on its way).
    pub moves: Vec<Vec<Move>>,
    /// The shared state after each move (see [`watch`]).
    pub states: Vec<State>,
    /// How it ended; `None` if the schedule stopped before the end.
    pub end: Option<End>,
    /// Who could move next (empty once ended).
    pub ready: Vec<String>,
}

/// What a model shows of its shared state: named values.
pub type State = Vec<(String, String)>;

/// Replays `schedule` on a fresh run of `model`. `Err` if a name in it
/// cannot move at that point (saying which can), or if moves remain after
/// the run has ended.
pub fn run(model: Model, schedule: &[&str]) -> Result<Run, String> {
    let mut session = Session::new(model);
    for (i, name) in schedule.iter().enumerate() {
        session
            .advance(name)
            .map_err(|why| format!("move {} of the schedule: {why}", i + 1))?;
    }
    Ok(session.run())
}

/// A run driven move by move, with undo (which replays the moves before
/// the last one on a fresh run: the model's threads are real threads,
/// and cannot be rewound).
pub struct Session {
    model: Model,
    world: Arc<World>,
    moves: Vec<Vec<Move>>,
    states: Vec<State>,
}

impl Session {
    /// A fresh run of `model`: nothing has moved yet.
    pub fn new(model: Model) -> Self {
        Session {
            model,
            world: World::start(model),
            moves: Vec::new(),
            states: Vec::new(),
        }
    }

    /// Who can move now.
    pub fn ready(&self) -> Vec<String> {
        self.world.ready()
    }

    /// Lets `name` take its next move; returns its steps.
    pub fn advance(&mut self, name: &str) -> Result<Vec<Move>, String> {
        if let Some(end) = self.world.end() {
            return Err(format!("the run has ended: {}", end.outcome()));
        }
        let made = self.world.advance(name)?;
        self.moves.push(made.clone());
        self.states.push(self.world.watch());
        Ok(made)
    }

    /// Takes back the last move.
    pub fn undo(&mut self) {
        let names: Vec<String> = self.moves.iter().map(|m| m[0].thread.clone()).collect();
        let kept = names.len().saturating_sub(1);
        *self = Session::new(self.model);
        for name in &names[..kept] {
            self.advance(name)
                .expect("a replayed move can be made again");
        }
    }

    /// The state before any move.
    pub fn initial_state(&self) -> State {
        self.world.watch()
    }

    /// The run so far.
    pub fn run(&self) -> Run {
        Run {
            moves: self.moves.clone(),
            states: self.states.clone(),
            end: self.world.end(),
            ready: self.ready(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.world.finish();
    }
}

/// The model's shared state, for the play scheduler to show between moves:
/// `show` is called while every thread of the run is stopped. Call it from
/// the model's own thread, before starting the others. Outside the play
/// build, it does nothing.
pub fn watch(show: impl Fn() -> State + Send + Sync + 'static) {
    crate::sync::play::set_watch(Box::new(show));
}

/// Every schedule of a model, as a tree.
#[derive(Debug, Clone)]
pub struct Tree {
    /// `nodes[0]` is the start; each node is the state after its move.
    pub nodes: Vec<Node>,
    /// The preemption bound it was explored with (`None`: every order).
    pub bound: Option<usize>,
}

/// A point in a tree of schedules.
#[derive(Debug, Clone)]
pub struct Node {
    /// The move that led here, its steps (`None` at the start).
    pub by: Option<Vec<Move>>,
    /// The shared state after it.
    pub state: State,
    /// Who can move next, and the node each one's move leads to.
    pub next: Vec<(String, usize)>,
    /// How the run ended, at a leaf.
    pub end: Option<End>,
}

impl Tree {
    /// The outcomes of the leaves.
    pub fn outcomes(&self) -> BTreeSet<String> {
        self.nodes
            .iter()
            .filter_map(|n| n.end.as_ref().map(End::outcome))
            .collect()
    }

    /// A schedule from the start to a leaf whose outcome is `outcome`, if
    /// any: the first found, walking the tree in order.
    pub fn schedule_to(&self, outcome: &str) -> Option<Vec<String>> {
        self.find(0, &mut |n: &Node| {
            n.end.as_ref().is_some_and(|e| e.outcome() == outcome)
        })
    }

    /// A schedule from the start to a leaf whose outcome is not `outcome`.
    pub fn schedule_avoiding(&self, outcome: &str) -> Option<Vec<String>> {
        self.find(0, &mut |n: &Node| {
            n.end.as_ref().is_some_and(|e| e.outcome() != outcome)
        })
    }

    fn find(&self, at: usize, wanted: &mut impl FnMut(&Node) -> bool) -> Option<Vec<String>> {
        let node = &self.nodes[at];
        if wanted(node) {
            return Some(Vec::new());
        }
        for (name, child) in &node.next {
            if let Some(mut rest) = self.find(*child, wanted) {
                rest.insert(0, name.clone());
                return Some(rest);
            }
        }
        None
    }

    /// How many schedules (leaves) the tree holds.
    pub fn schedules(&self) -> usize {
        self.nodes.iter().filter(|n| n.next.is_empty()).count()
    }
}

/// Runs `model` in every order of whole moves, and returns the tree of
/// them all; with `bound`, only the orders in which a thread that could go
/// on is switched out at most that many times (a *preemption*; switching
/// from a thread that waits or has ended is free), as loom's preemption
/// bound, but counted in whole steps. Each leaf is one run from the start
/// (threads cannot be rewound); a replayed move that differs from the
/// first time panics, as the model would not be a function of its
/// schedule.
///
/// # Panics
/// If the tree grows past `limit` nodes: a model too big to play.
pub fn explore(model: Model, bound: Option<usize>, limit: usize) -> Tree {
    let mut tree = Tree {
        nodes: vec![Node {
            by: None,
            state: Vec::new(),
            next: Vec::new(),
            end: None,
        }],
        bound,
    };
    // (node to extend, the schedule that reaches it, the thread to move,
    // the preemptions that move makes the schedule's)
    let mut pending: Vec<(usize, Vec<String>, String, usize)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut used = 0;
    let mut session = Session::new(model);
    tree.nodes[0].state = session.initial_state();
    let mut at = 0;
    loop {
        // Walk down from `at` with `session`, taking the previous mover if
        // it can go on (else the first who can), leaving the others.
        loop {
            if let Some(end) = session.world.end() {
                tree.nodes[at].end = Some(end);
                break;
            }
            let ready = session.ready();
            let last = path.last().filter(|l| ready.contains(l)).cloned();
            let first = last.clone().unwrap_or_else(|| ready[0].clone());
            for other in ready.iter().rev().filter(|r| **r != first) {
                let cost = used + usize::from(last.is_some());
                if bound.is_none_or(|b| cost <= b) {
                    pending.push((at, path.clone(), other.clone(), cost));
                }
            }
            at = extend(&mut tree, &mut session, at, &first, limit);
            path.push(first);
        }
        let Some((from, prefix, name, cost)) = pending.pop() else {
            for node in &mut tree.nodes {
                node.next.sort_by_key(|(name, _)| thread_order(name));
            }
            return tree;
        };
        session = Session::new(model);
        let mut node = 0;
        for step in &prefix {
            let made = session
                .advance(step)
                .expect("a replayed move can be made again");
            let child = child_of(&tree, node, step);
            assert_eq!(
                Some(&made),
                tree.nodes[child].by.as_ref(),
                "the model made a different move on replay: it is not a function of its schedule"
            );
            node = child;
        }
        debug_assert_eq!(node, from);
        at = extend(&mut tree, &mut session, from, &name, limit);
        used = cost;
        path = prefix;
        path.push(name);
    }
}

/// `main` first, then the others by name.
fn thread_order(name: &str) -> (bool, String) {
    (name != "main", name.to_string())
}

fn child_of(tree: &Tree, node: usize, name: &str) -> usize {
    tree.nodes[node]
        .next
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| *c)
        .expect("a replayed move was explored before")
}

/// Moves `name` in `session` (at node `at`), adds the node it leads to.
fn extend(tree: &mut Tree, session: &mut Session, at: usize, name: &str, limit: usize) -> usize {
    let made = session.advance(name).expect("a ready thread can move");
    let child = tree.nodes.len();
    assert!(
        child < limit,
        "the model has more than {limit} points in its tree of schedules: too big to play"
    );
    tree.nodes.push(Node {
        by: Some(made),
        state: session.states.last().cloned().unwrap_or_default(),
        next: Vec::new(),
        end: None,
    });
    tree.nodes[at].next.push((name.to_string(), child));
    child
}
