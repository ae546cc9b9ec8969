// Wrong: keeps `get` then `set`, under a lock that each proxy has its own of: two proxies still interleave.
use std::collections::HashMap;
use std::sync::Arc;

use super::kit::thread::{self, JoinHandle};
use super::kit::{Lock, Queue, Sender, pipe_oneway, trace};

/// A call on a proxy: what to do, and where to send the answer.
enum Request {
    /// The counter at the key (0 if it was never set).
    Get(String, Sender<i64>),
    /// Sets the counter at the key.
    Set(String, i64, Sender<()>),
    /// Adds to the counter at the key and answers its new value: a
    /// read and a write the server does in one go.
    Add(String, i64, Sender<i64>),
    /// Put last, by `shutdown`: stop.
    Stop,
}

/// The server thread, with the inbox its proxies send to.
pub struct CounterManager {
    inbox: Arc<Queue<Request>>,
    server: JoinHandle<HashMap<String, i64>>,
}

impl CounterManager {
    /// Starts the server, with no counters.
    pub fn new() -> Self {
        let inbox: Arc<Queue<Request>> = Arc::new(Queue::new());
        let requests = inbox.clone();
        let server = thread::Builder::new()
            .name("server".to_string())
            .spawn(move || serve(&requests))
            .expect("the server thread starts");
        CounterManager { inbox, server }
    }

    /// A proxy for the counters; clone it to give it to another thread.
    pub fn proxy(&self) -> CounterProxy {
        CounterProxy {
            inbox: self.inbox.clone(),
            increments: Arc::new(Lock::new()),
        }
    }

    /// Answers every request already sent, then stops the server, waits
    /// for it, and returns its counters. Use no proxy after this: the
    /// crate's `Manager` refuses such a call with `ManagerGone` (its gate,
    /// in the chapter), but this small one has no gate, and the call would
    /// wait for an answer that never comes.
    pub fn shutdown(self) -> HashMap<String, i64> {
        self.inbox.put(Request::Stop);
        self.server.join().expect("the server does not panic")
    }
}

/// The server's life: take a request, run it, answer; until `Stop`, when
/// it returns the counters. Only this thread touches them, one request at
/// a time.
fn serve(inbox: &Queue<Request>) -> HashMap<String, i64> {
    let mut counters: HashMap<String, i64> = HashMap::new();
    loop {
        match inbox.get() {
            Request::Get(key, reply) => {
                let count = counters.get(&key).copied().unwrap_or(0);
                trace::step(&format!("serves get {key}:"), count);
                let _ = reply.send(count);
            }
            Request::Set(key, count, reply) => {
                trace::step(&format!("serves set {key} ="), count);
                counters.insert(key, count);
                let _ = reply.send(());
            }
            Request::Add(key, n, reply) => {
                // Nothing else runs on the counters between this read and
                // this write: the server serves one request at a time.
                let count = counters.entry(key.clone()).or_insert(0);
                *count += n;
                trace::step(&format!("serves add {key} {n}:"), *count);
                let _ = reply.send(*count);
            }
            Request::Stop => return counters,
        }
    }
}

/// A proxy: each method is one request to the server and one answer.
#[derive(Clone)]
pub struct CounterProxy {
    inbox: Arc<Queue<Request>>,
    /// Held from the `get` to the `set` of an increment.
    increments: Arc<Lock>,
}

impl CounterProxy {
    /// One round trip: a reply pipe, the request carrying its writing end,
    /// the answer read from its reading end.
    fn call<A: Send>(&self, request: impl FnOnce(Sender<A>) -> Request) -> A {
        let (answer, reply_to) = pipe_oneway();
        self.inbox.put(request(reply_to));
        answer.recv().expect("the server answers every request")
    }

    /// `d.get(key, 0)`.
    pub fn get(&self, key: &str) -> i64 {
        let count = self.call(|reply| Request::Get(key.to_string(), reply));
        trace::step(&format!("gets {key}:"), count);
        count
    }

    /// `d[key] = count`.
    pub fn set(&self, key: &str, count: i64) {
        self.call(|reply| Request::Set(key.to_string(), count, reply));
        trace::step(&format!("has set {key} ="), count);
    }

    /// Adds `n` to the counter at `key`, in one request; returns its new
    /// value.
    pub fn add(&self, key: &str, n: i64) -> i64 {
        let count = self.call(|reply| Request::Add(key.to_string(), n, reply));
        trace::step(&format!("has added {n} to {key}:"), count);
        count
    }

    /// Adds one to the counter at `key`; returns its new value.
    pub fn increment(&self, key: &str) -> i64 {
        let _held = self.increments.guard();
        let count = self.get(key) + 1;
        self.set(key, count);
        count
    }
}
