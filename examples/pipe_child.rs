//! The child process of the Pipe chapter's tests (`tests/pipe_process.rs`):
//! it talks to its parent over its stdin and stdout with
//! `connect_to_parent::<String>()`, and does what its first argument says.
//!
//! - `two`: sends "one" and "two", and exits.
//! - `echo`: sends back each message it receives, upper-cased, until the
//!   parent closes its end (end of file); then exits.
//! - `garbage`: prints a line to stdout, which is not a frame, and exits:
//!   the mistake the parent must survive.
//!
//! It is started by a parent, not by hand:
//!
//! ```text
//! cargo build --example pipe_child    # then tests/pipe_process.rs runs it
//! ```

use std::env;
use std::process::ExitCode;

use syncbook::pipe::process::connect_to_parent;

fn main() -> ExitCode {
    let mode = env::args().nth(1).unwrap_or_default();
    match mode.as_str() {
        "two" => {
            let parent = connect_to_parent::<String>();
            for message in ["one", "two"] {
                if parent.send(message.to_string()).is_err() {
                    eprintln!("pipe_child: the parent is gone");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        // ANCHOR: echo
        "echo" => {
            let parent = connect_to_parent::<String>();
            loop {
                match parent.recv() {
                    Ok(message) => {
                        if parent.send(message.to_uppercase()).is_err() {
                            eprintln!("pipe_child: the parent is gone");
                            return ExitCode::FAILURE;
                        }
                    }
                    Err(end) if end.is_eof() => return ExitCode::SUCCESS,
                    Err(why) => {
                        eprintln!("pipe_child: {why}");
                        return ExitCode::FAILURE;
                    }
                }
            }
        }
        // ANCHOR_END: echo
        "garbage" => {
            // Not a frame: its first four bytes, "hell", read as a length
            // are 1.8 GB.
            println!("hello from the child, on stdout by mistake");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("pipe_child: unknown mode {other:?}; expected two, echo or garbage");
            ExitCode::from(2)
        }
    }
}
