/*
// ANCHOR: statement
**Count on the server, not on the client.** `CounterManager` is a tiny
manager: a server thread owns a `HashMap<String, i64>` of counters and
answers requests that arrive in its inbox, one of the crate's `Queue`s,
each carrying the writing end of a `pipe_oneway` for the answer. Its
proxies offer `get` and `set`, and `increment` is written with them, as
Python's `d[k] = d.get(k, 0) + 1` is on a manager's dict: one request to
read, another to write. Each request runs whole on the server, but another
proxy's requests can be served between the two, and then two increments
count as one. Fix it so that:

- `increment(key)` adds one to the counter and returns its new value, and
  of several increments of one key, from any number of proxies, none is
  lost: each returns a different value, and the last count is their number.
// ANCHOR_END: statement
*/
use std::collections::HashMap;
use std::sync::Arc;

use super::kit::thread::{self, JoinHandle};
use super::kit::{Queue, Sender, pipe_oneway, trace};

/// A call on a proxy: what to do, and where to send the answer.
enum Request {
    /// The counter at the key (0 if it was never set).
    Get(String, Sender<i64>),
    /// Sets the counter at the key.
    Set(String, i64, Sender<()>),
    // TODO: a request that adds to a counter and answers the new count.
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
            // TODO: serve the new request, all of it here.
            Request::Stop => return counters,
        }
    }
}

/// A proxy: each method is one request to the server and one answer.
#[derive(Clone)]
pub struct CounterProxy {
    inbox: Arc<Queue<Request>>,
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

    /// Adds one to the counter at `key`; returns its new value.
    pub fn increment(&self, key: &str) -> i64 {
        // TODO: two requests, and another proxy's can come between them.
        let count = self.get(key) + 1;
        self.set(key, count);
        count
    }
}
