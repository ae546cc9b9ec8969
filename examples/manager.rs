//! A Manager's list and dict, shared by two threads: Python's
//! `examples/python/manager.py`, in Rust.
//!
//! Two workers, `a` and `bb`, each append three names to the manager's list
//! and set one score in its dict, through their own clones of the proxies.
//! Then the main thread reads both back and shuts the manager down, and a
//! last `append` is refused with `ManagerGone`, which hands its item back.
//!
//! The workers' items are picked out by name and the scores sorted, so the
//! output is the same on every run, whatever order the appends landed in.
//! Run it with:
//!
//! ```text
//! cargo run --example manager
//! ```

use std::thread;

use syncbook::{DictProxy, ListProxy, Manager};

// ANCHOR: worker
/// Python's `worker(name, items, scores)`. Each call on a proxy is one
/// request to the manager's server thread, and one answer.
fn worker(name: &str, items: &ListProxy<String>, scores: &DictProxy<String, String>) {
    for i in 0..3 {
        items.append(format!("{name}{i}")).unwrap();
    }
    // A Manager<K, V> has one value type, V, for its list and its dict;
    // the list holds Strings, so the score is written as text.
    scores
        .set(name.to_string(), (name.len() * 10).to_string())
        .unwrap();
}
// ANCHOR_END: worker

fn main() {
    // ANCHOR: main
    let manager = Manager::new(); // starts the server thread
    let items = manager.list();
    let scores = manager.dict();
    let workers: Vec<_> = ["a", "bb"]
        .into_iter()
        .map(|name| {
            // Each thread gets its own proxies; they all reach one server.
            let (items, scores) = (items.clone(), scores.clone());
            thread::spawn(move || worker(name, &items, &scores))
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let all = items.to_vec().unwrap(); // one request: a copy of the list
    println!("items: {}", all.len());
    for name in ["a", "bb"] {
        let mine: Vec<&String> = all.iter().filter(|x| x.starts_with(name)).collect();
        println!("{name} {mine:?}");
    }
    let mut names = scores.keys().unwrap();
    names.sort();
    let sorted: Vec<(String, String)> = names
        .into_iter()
        .map(|k| {
            let v = scores.get(k.clone()).unwrap().expect("a key just listed");
            (k, v)
        })
        .collect();
    println!("scores: {sorted:?}");
    manager.shutdown(); // what leaving Python's `with Manager()` block does
    // ANCHOR_END: main

    // ANCHOR: after_shutdown
    // The proxies outlive the manager, as in Python; their calls do not.
    // A failed append hands its item back.
    match items.append("late".to_string()) {
        Ok(()) => println!("after shutdown: the append landed?!"),
        Err(gone) => {
            println!("after shutdown: {gone}");
            println!("handed back: {:?}", gone.into_inner());
        }
    }
    // ANCHOR_END: after_shutdown
}
