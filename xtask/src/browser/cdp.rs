//! Headless Chromium driven over the DevTools protocol, through the pipe
//! Chromium opens with `--remote-debugging-pipe`: it reads commands from its
//! file descriptor 3 and writes answers and events to descriptor 4, each one
//! a JSON object ended by a NUL byte. No port, no WebSocket, no crate beyond
//! `serde_json` (already in xtask's tree).
//!
//! A command is `{"id", "method", "params", "sessionId"}`; its answer carries
//! the same `id` and a `result` or an `error`. Everything else Chromium sends
//! is an event (`{"method", "params", "sessionId"}`), kept in arrival order
//! until [`Chromium::take_events`] hands it over.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{env, fs, thread};

/// How long any one command may take before the run gives up on Chromium.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags every launch uses: headless, no first-run chores, and quiet on
/// the network (without `--disable-background-networking` and the two
/// after it, Chromium keeps trying to reach Google's services).
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
];

/// Something Chromium sent that was not the answer to a command.
#[derive(Debug, Clone)]
pub struct Event {
    pub session: Option<String>,
    pub method: String,
    pub params: Value,
}

/// What to send back at once when an event arrives: a command (method and
/// params) whose answer nobody waits for. Used to answer requests paused
/// by the `Fetch` domain, which hold up the page until answered.
pub type Responder = Box<dyn FnMut(&Event) -> Option<(&'static str, Value)>>;

/// A running headless Chromium, its profile directory, and the pipe to it.
pub struct Chromium {
    child: Child,
    to_browser: ChildStdin,
    from_browser: Receiver<Result<Value, String>>,
    next_id: u64,
    events: VecDeque<Event>,
    profile: PathBuf,
    responder: Option<Responder>,
}

impl Chromium {
    /// Starts `exe` with a fresh profile directory under the system's
    /// temporary directory (removed again on drop).
    pub fn launch(exe: &Path) -> Result<Chromium, String> {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let profile =
            env::temp_dir().join(format!("syncbook-chromium-{}-{stamp}", std::process::id()));
        fs::create_dir_all(&profile)
            .map_err(|err| format!("creating {}: {err}", profile.display()))?;
        let log_path = profile.join("chromium.log");
        let log = fs::File::create(&log_path)
            .map_err(|err| format!("creating {}: {err}", log_path.display()))?;
        // std::process gives a child only descriptors 0, 1 and 2, so a shell
        // moves our pipes to the 3 and 4 Chromium expects, then becomes it.
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg(exe)
            .args(FLAGS)
            .arg(format!(
                "--user-data-dir={}",
                profile.join("data").display()
            ))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|err| format!("starting {}: {err}", exe.display()))?;
        let to_browser = child.stdin.take().expect("stdin was piped");
        let stdout = child.stdout.take().expect("stdout was piped");
        let (sender, from_browser) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let message = read_message(&mut reader);
                let end = !matches!(message, Ok(Some(_)));
                let sent = match message {
                    Ok(Some(value)) => sender.send(Ok(value)),
                    Ok(None) => sender.send(Err("Chromium closed the pipe".to_string())),
                    Err(err) => sender.send(Err(err)),
                };
                if end || sent.is_err() {
                    break;
                }
            }
        });
        let mut chromium = Chromium {
            child,
            to_browser,
            from_browser,
            next_id: 0,
            events: VecDeque::new(),
            profile,
            responder: None,
        };
        if let Err(mut err) = chromium.call(None, "Browser.getVersion", json!({})) {
            if !err.contains("standard error") {
                err = format!("{err}\n{}", chromium.log_tail());
            }
            return Err(format!(
                "{} did not answer over --remote-debugging-pipe: {err}",
                exe.display(),
            ));
        }
        Ok(chromium)
    }

    /// The last lines Chromium wrote to its standard error.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(self.profile.join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(15)..];
        if tail.is_empty() {
            "(Chromium wrote nothing to its standard error)".to_string()
        } else {
            format!("Chromium's standard error ended with:\n{}", tail.join("\n"))
        }
    }

    /// Sets what to answer at once to the events it picks.
    pub fn respond_with(&mut self, responder: Responder) {
        self.responder = Some(responder);
    }

    /// Sends one command (to the browser, or to a page's `session`) and
    /// waits for its answer; events that arrive meanwhile are kept.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let id = self.send(session, method, params)?;
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .map_err(|err| format!("{method}: {err}"))?;
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = message.get("error") {
                    let text = error.get("message").and_then(Value::as_str).unwrap_or("");
                    return Err(format!("{method}: Chromium answered: {text} ({error})"));
                }
                return Ok(message.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Sends one command without waiting for its answer; returns its id.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<u64, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|err| err.to_string())?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .and_then(|()| self.to_browser.flush())
            .map_err(|err| format!("{method}: writing to Chromium: {err}"))?;
        Ok(id)
    }

    /// Waits for the next event `method` of `session`, keeping the others.
    pub fn wait_event(
        &mut self,
        session: &str,
        method: &str,
        timeout: Duration,
    ) -> Result<Event, String> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            let found = self
                .events
                .iter()
                .skip(seen)
                .position(|e| e.method == method && e.session.as_deref() == Some(session));
            if let Some(at) = found {
                return Ok(self.events.remove(seen + at).expect("found"));
            }
            seen = self.events.len();
            self.receive(deadline)
                .map_err(|err| format!("waiting for {method}: {err}"))?;
        }
    }

    /// Every event received so far, oldest first (after reading whatever is
    /// waiting in the pipe).
    pub fn take_events(&mut self) -> Vec<Event> {
        while self.receive(Instant::now()).is_ok() {}
        self.events.drain(..).collect()
    }

    /// The next message; events go to `self.events` as well as out.
    fn receive(&mut self, deadline: Instant) -> Result<Value, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.from_browser.recv_timeout(left) {
            Ok(Ok(message)) => message,
            Ok(Err(err)) => return Err(format!("{err}\n{}", self.log_tail())),
            Err(RecvTimeoutError::Timeout) => return Err("no answer from Chromium in time".into()),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(format!("Chromium is gone\n{}", self.log_tail()));
            }
        };
        if message.get("id").is_none()
            && let Some(method) = message.get("method").and_then(Value::as_str)
        {
            let event = Event {
                session: message
                    .get("sessionId")
                    .and_then(Value::as_str)
                    .map(String::from),
                method: method.to_string(),
                params: message.get("params").cloned().unwrap_or(Value::Null),
            };
            let answer = self.responder.as_mut().and_then(|respond| respond(&event));
            if let Some((method, params)) = answer {
                let session = event.session.clone();
                self.send(session.as_deref(), method, params)?;
            }
            self.events.push_back(event);
        }
        Ok(message)
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // Asked to close, Chromium ends its other processes too; killed
        // after a while if it does not.
        let _ = self.send(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// One NUL-terminated JSON message, or `None` at the end of the stream.
pub fn read_message(reader: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut bytes = Vec::new();
    let read = reader
        .read_until(0, &mut bytes)
        .map_err(|err| format!("reading from Chromium: {err}"))?;
    if read == 0 {
        return Ok(None);
    }
    if bytes.last() == Some(&0) {
        bytes.pop();
    } else {
        return Err("Chromium's pipe ended inside a message".to_string());
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|err| format!("Chromium sent a message that is not JSON ({err})"))
}

/// Standard Base64 (as `Page.captureScreenshot` returns its image).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    fn value(byte: u8) -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let digits = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    if digits.len() % 4 == 1 {
        return Err("Base64 text of an impossible length".to_string());
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut word = 0u32;
        for (i, &byte) in chunk.iter().enumerate() {
            let v = value(byte).ok_or_else(|| format!("not Base64: byte {byte:#04x}"))?;
            word |= v << (18 - 6 * i);
        }
        let bytes = word.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
}
