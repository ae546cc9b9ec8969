// ANCHOR: whole
//! The end of file on a pipe: Python's `examples/python/pipe_eof.py`, in
//! Rust.
//!
//! 1. Between processes: this program starts itself again, with the
//!    argument `child`, connected to it by `spawn_child`. The child sends
//!    two messages and exits. The parent's third `recv` is the end of file,
//!    with nothing to close first: the parent never had a copy of the
//!    child's end. A `send` to the exited child hands the message back.
//! 2. Between threads, with `syncbook::pipe()`: a thread sends two messages
//!    and its end is dropped. The third `recv` is the end of file; `poll`
//!    is true at the end of file; a `send` to the dropped end hands the
//!    message back.
//!
//! Every step waits for the one before, so the output is the same on every
//! run. Run it with:
//!
//! ```text
//! cargo run --example pipe_eof
//! ```

use std::env;
use std::process::{Command, ExitCode};
use std::thread;
use std::time::Duration;

use syncbook::pipe;
use syncbook::pipe::process::{connect_to_parent, spawn_child};

fn main() -> ExitCode {
    if env::args().nth(1).as_deref() == Some("child") {
        return child();
    }
    println!("1. between processes: the child's end is only in the child");
    between_processes();
    println!("2. between threads: syncbook::pipe()");
    between_threads();
    ExitCode::SUCCESS
}

// ANCHOR: child
/// The child process: this same program, started by the parent with the
/// argument `child`. Its standard input and output are the pipe, so it
/// must not `println!` (the parent would read the text as a message).
fn child() -> ExitCode {
    let parent = connect_to_parent::<String>();
    for message in ["one", "two"] {
        if parent.send(message.to_string()).is_err() {
            eprintln!("pipe_eof child: the parent is gone");
            return ExitCode::FAILURE;
        }
    }
    // Returning ends the process, and the OS closes every file it had
    // open: its standard output, the only writing end of the pipe that
    // the parent reads. That is the parent's end of file.
    ExitCode::SUCCESS
}
// ANCHOR_END: child

// ANCHOR: between_processes
fn between_processes() {
    let me = env::current_exe().expect("the path of this program");
    let (mut child, conn) =
        spawn_child::<String>(Command::new(me).arg("child")).expect("start the child");
    // Nothing to close here, unlike Python's `child_conn.close()`.
    // `spawn_child` opened two OS pipes and handed the child its ends (the
    // reading end of its stdin, the writing end of its stdout); `Command`
    // closed the parent's copies of them once the child had started. The
    // parent holds only its own ends (`conn`); the child's end lives only
    // in the child. There is no copy to forget, and no API to keep one.
    println!("recv: {:?}", conn.recv());
    println!("recv: {:?}", conn.recv());
    // Waits until the child has exited: then the end of file, at once.
    match conn.recv() {
        Ok(message) => println!("third recv: a message?! {message:?}"),
        Err(end) => println!("third recv: Err: {end}"),
    }
    let status = child.wait().expect("wait for the child");
    println!("the child has exited: {status}");

    // Nobody reads the child's stdin any more: the OS refuses the write
    // ("broken pipe", Python's BrokenPipeError), and `send` hands the
    // message back instead of raising.
    let err = conn.send("three".to_string()).unwrap_err();
    println!("send: Err: {err}");
    println!("  handed back: {:?}", err.into_inner());
}
// ANCHOR_END: between_processes

// ANCHOR: between_threads
fn between_threads() {
    let (parent_end, child_end) = pipe::<String>();
    // `move` gives the thread `child_end` itself, not a copy: from here on
    // the compiler rejects any use of it in this function. When the thread
    // returns, `child_end` is dropped, and that is the end of file. (In
    // Python, the `child_conn` variable would keep the end open here too.)
    let sender = thread::spawn(move || {
        child_end.send("one".to_string()).unwrap();
        child_end.send("two".to_string()).unwrap();
    });
    println!("recv: {:?}", parent_end.recv());
    println!("recv: {:?}", parent_end.recv());
    sender.join().unwrap(); // its end is dropped by now

    // `poll` means "recv would not wait": true at the end of file too.
    println!("poll(0): {}", parent_end.poll(Duration::ZERO));
    match parent_end.recv() {
        Ok(message) => println!("third recv: a message?! {message:?}"),
        Err(end) => println!("third recv: Err: {end}"),
    }
    let err = parent_end.send("three".to_string()).unwrap_err();
    println!("send: Err: {err}");
    println!("  handed back: {:?}", err.into_inner());
}
// ANCHOR_END: between_threads
// ANCHOR_END: whole
