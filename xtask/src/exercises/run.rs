//! Runs a test binary under a time limit: libtest's output is read as it
//! streams, and a test still running after the limit is named and the
//! binary stopped, so that a deadlocked exercise makes `check` fail, not
//! hang.
//!
//! The binary runs with `--test-threads=1`, so libtest prints `test NAME
//! ... ` when a test starts and the result when it ends: the unfinished
//! line names the test running now.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one test may run before the runner stops it.
pub const TEST_LIMIT: Duration = Duration::from_secs(10);

/// What a run of a test binary printed, and how it ended.
#[derive(Debug)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    /// The exit status (`None` if the runner stopped it).
    pub status: Option<ExitStatus>,
    /// The test that was still running when the limit struck.
    pub stuck: Option<String>,
}

/// The test libtest has started and not finished, from its output so
/// far: the last line, if unfinished and of the form `test NAME ... `.
pub fn running_test(output: &str) -> Option<&str> {
    let last = &output[output.rfind('\n').map_or(0, |i| i + 1)..];
    last.strip_prefix("test ")?.strip_suffix(" ... ")
}

/// Runs `command` (a libtest binary, with `--test-threads=1`), stopping it
/// if one test runs longer than `limit`.
pub fn run_with_limit(mut command: Command, limit: Duration) -> std::io::Result<Finished> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let (chunks, received) = mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 || chunks.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let mut out = Vec::new();
    let mut running: Option<(String, Instant)> = None;
    let mut stuck = None;
    loop {
        match received.recv_timeout(Duration::from_millis(100)) {
            Ok(chunk) => {
                out.extend_from_slice(&chunk);
                let text = String::from_utf8_lossy(&out);
                let now = running_test(&text).map(str::to_string);
                if now.as_deref() != running.as_ref().map(|(name, _)| name.as_str()) {
                    running = now.map(|name| (name, Instant::now()));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some((name, since)) = &running
            && since.elapsed() > limit
        {
            stuck = Some(name.clone());
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait()?;
    // A stopped binary's pipes may be held open by a process it started:
    // do not wait for the readers then, only take what they have read.
    let stderr = if stuck.is_none() {
        let _ = reader.join();
        errors.join().unwrap_or_default()
    } else {
        Vec::new()
    };
    while let Ok(chunk) = received.try_recv() {
        out.extend_from_slice(&chunk);
    }
    Ok(Finished {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        status: if stuck.is_some() { None } else { Some(status) },
        stuck,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unfinished_last_line_names_the_running_test() {
        assert_eq!(running_test("running 2 tests\ntest a ... "), Some("a"));
        assert_eq!(running_test("running 2 tests\ntest a ... ok\n"), None);
        assert_eq!(
            running_test("test a ... ok\ntest model_b ... "),
            Some("model_b")
        );
        assert_eq!(running_test("test a ... ok\ntest b ... FAI"), None);
        assert_eq!(running_test(""), None);
    }

    #[test]
    fn a_test_that_runs_too_long_is_named_and_stopped() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "printf 'running 2 tests\\ntest quick ... ok\\ntest stuck ... '; exec sleep 30",
        ]);
        let started = Instant::now();
        let finished = run_with_limit(command, Duration::from_millis(500)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(finished.stuck.as_deref(), Some("stuck"));
        assert_eq!(finished.status, None);
        assert_eq!(
            finished.stdout,
            "running 2 tests\ntest quick ... ok\ntest stuck ... "
        );
    }

    #[test]
    fn a_run_within_the_limit_is_whole() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "printf 'test a ... '; sleep 0.2; printf 'ok\\n'; echo oops >&2; exit 3",
        ]);
        let finished = run_with_limit(command, Duration::from_secs(5)).unwrap();
        assert_eq!(finished.stuck, None);
        assert_eq!(finished.stdout, "test a ... ok\n");
        assert_eq!(finished.stderr, "oops\n");
        assert_eq!(finished.status.and_then(|s| s.code()), Some(3));
    }
}
