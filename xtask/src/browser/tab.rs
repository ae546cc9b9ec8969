//! One page of a [`Chromium`], used as a reader would: go to a URL, click
//! an element where it is drawn, type keys; plus `eval` to read the page, and
//! a record of what went wrong in it (console errors, uncaught exceptions,
//! resources that failed to load).

use super::cdp::{Chromium, Event, decode_base64};
use serde_json::{Value, json};
use std::thread;
use std::time::{Duration, Instant};

/// How long a page may take to load.
const LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// The window the pages are drawn in.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 900;

pub struct Tab {
    chromium: Chromium,
    session: String,
    /// What went wrong on the page since the last [`Tab::goto`], in order.
    problems: Vec<String>,
}

impl Tab {
    /// Opens a blank page in `chromium` and starts listening to it.
    pub fn open(mut chromium: Chromium) -> Result<Tab, String> {
        let target = chromium.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].clone();
        let attached = chromium.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("Target.attachToTarget gave no sessionId")?
            .to_string();
        let mut tab = Tab {
            chromium,
            session,
            problems: Vec::new(),
        };
        for domain in ["Page", "Runtime", "Log"] {
            tab.call(&format!("{domain}.enable"), json!({}))?;
        }
        // Every http(s) request waits for `answer`: the book's own go on,
        // the rest never leave the machine. A dialog (alert, confirm) would
        // hold the page: dismissed at once, and reported by `problem`.
        tab.chromium
            .respond_with(Box::new(|event| match event.method.as_str() {
                "Fetch.requestPaused" => Some(answer(&event.params)),
                "Page.javascriptDialogOpening" => {
                    Some(("Page.handleJavaScriptDialog", json!({ "accept": false })))
                }
                _ => None,
            }));
        tab.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": "http://*" }, { "urlPattern": "https://*" }] }),
        )?;
        tab.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false }),
        )?;
        Ok(tab)
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.chromium.call(Some(&self.session), method, params)
    }

    /// Loads `url` and waits for its `load` event. What the previous page
    /// still had to say is dropped.
    pub fn goto(&mut self, url: &str) -> Result<(), String> {
        self.chromium.take_events();
        self.problems.clear();
        let navigated = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(error) = navigated.get("errorText").and_then(Value::as_str) {
            return Err(format!("Chromium could not open it: {error}"));
        }
        self.wait_load()
    }

    /// Reloads the page (what a reader's F5 does), keeping the problems seen
    /// so far.
    pub fn reload(&mut self) -> Result<(), String> {
        self.collect();
        self.call("Page.reload", json!({}))?;
        self.wait_load()
    }

    fn wait_load(&mut self) -> Result<(), String> {
        let session = self.session.clone();
        self.chromium
            .wait_event(&session, "Page.loadEventFired", LOAD_TIMEOUT)
            .map(|_| ())
            .map_err(|err| format!("the page did not finish loading: {err}"))
    }

    /// Runs `expression` in the page and returns its value (awaiting a
    /// promise); an exception it throws is an `Err` with its message.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let answer = self.call(
            "Runtime.evaluate",
            json!({
                "expression": expression,
                "returnByValue": true,
                "awaitPromise": true,
                "userGesture": true,
            }),
        )?;
        if let Some(details) = answer.get("exceptionDetails") {
            let text = details["exception"]["description"]
                .as_str()
                .or_else(|| details["text"].as_str())
                .unwrap_or("an exception");
            return Err(format!("the test's script threw: {text}"));
        }
        Ok(answer["result"]
            .get("value")
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Polls `expression` until it is truthy; on timeout, `Err` holds its
    /// last value.
    pub fn wait_for(&mut self, expression: &str, timeout: Duration) -> Result<Value, Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(expression).map_err(Value::String)?;
            if truthy(&value) {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                return Err(value);
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// Clicks the middle of the element `selector` finds, as a mouse would:
    /// it must exist, be drawn, be enabled and be on top there.
    pub fn click(&mut self, selector: &str) -> Result<(), String> {
        let script = format!(
            r#"(() => {{
                const el = document.querySelector({sel});
                if (!el) return {{ error: "nothing on the page matches it" }};
                el.scrollIntoView({{ behavior: "instant", block: "center", inline: "center" }});
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0) return {{ error: "it is not shown" }};
                if (el.disabled) return {{ error: "it is disabled" }};
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                const hit = document.elementFromPoint(x, y);
                if (!hit || !(hit === el || el.contains(hit))) {{
                    const what = hit ? hit.outerHTML.slice(0, 80) : "nothing";
                    return {{ error: "another element covers it: " + what }};
                }}
                return {{ x, y }};
            }})()"#,
            sel = js_string(selector)
        );
        let place = self.eval(&script)?;
        if let Some(error) = place.get("error").and_then(Value::as_str) {
            return Err(format!("cannot click `{selector}`: {error}"));
        }
        let (x, y) = (place["x"].clone(), place["y"].clone());
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            )?;
        }
        Ok(())
    }

    /// Types `text` into whatever has the focus, one key at a time.
    pub fn type_text(&mut self, text: &str) -> Result<(), String> {
        for c in text.chars() {
            let key = c.to_string();
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyDown", "key": key, "text": key, "unmodifiedText": key }),
            )?;
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyUp", "key": key }),
            )?;
        }
        Ok(())
    }

    /// A PNG of the element `selector` finds, cropped to it. What the page
    /// pins over its content (a sticky or fixed element outside it, such as
    /// mdBook's menu bar) is hidden while the picture is taken: an element
    /// taller than the window would have the bar drawn across it.
    pub fn screenshot(&mut self, selector: &str) -> Result<Vec<u8>, String> {
        let script = format!(
            r#"(() => {{
                const el = document.querySelector({sel});
                if (!el) return null;
                el.scrollIntoView({{ block: "center" }});
                window.__pinnedHidden = [...document.querySelectorAll("body *")].filter(p => {{
                    const pos = getComputedStyle(p).position;
                    return (pos === "sticky" || pos === "fixed") && !p.contains(el)
                        && !el.contains(p) && getComputedStyle(p).visibility !== "hidden";
                }});
                for (const p of window.__pinnedHidden) p.style.visibility = "hidden";
                const r = el.getBoundingClientRect();
                return {{ x: r.left + window.scrollX, y: r.top + window.scrollY,
                          width: r.width, height: r.height }};
            }})()"#,
            sel = js_string(selector)
        );
        let clip = self.eval(&script)?;
        if clip.is_null() {
            return Err(format!("no `{selector}` to take a picture of"));
        }
        let mut clip = clip;
        clip["scale"] = json!(1);
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "clip": clip, "captureBeyondViewport": true }),
        );
        self.eval(
            r#"(() => {
                for (const p of window.__pinnedHidden || []) p.style.visibility = "";
                window.__pinnedHidden = [];
            })()"#,
        )?;
        let shot = shot?;
        let data = shot["data"]
            .as_str()
            .ok_or("Page.captureScreenshot gave no data")?;
        decode_base64(data)
    }

    /// Console errors, uncaught exceptions and failed loads since the last
    /// [`Tab::goto`] (each once).
    pub fn problems(&mut self) -> Vec<String> {
        self.collect();
        std::mem::take(&mut self.problems)
    }

    fn collect(&mut self) {
        for event in self.chromium.take_events() {
            if event.session.as_deref() == Some(self.session.as_str())
                && let Some(problem) = problem(&event)
            {
                self.problems.push(problem);
            }
        }
    }
}

/// Where a request goes, for the test.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The book, served by the test's own server on this machine.
    Book,
    /// The list of crates mdBook's script asks the Rust playground for on
    /// a page with a runnable listing (to show its "run" button): answered
    /// by the test with an empty list, as the network is not there.
    Playground,
    /// Anything else: refused, and a problem (the book must read offline).
    Outside,
}

/// What mdBook's `book.js` fetches on a page with a runnable listing.
pub const PLAYGROUND_CRATES: &str = "https://play.rust-lang.org/meta/crates";

pub fn route(url: &str) -> Route {
    let local = ["http://127.0.0.1:", "http://localhost:"];
    if local.iter().any(|origin| url.starts_with(origin)) {
        Route::Book
    } else if url == PLAYGROUND_CRATES {
        Route::Playground
    } else {
        Route::Outside
    }
}

/// The command that answers a paused request (`Fetch.requestPaused`).
pub fn answer(paused: &Value) -> (&'static str, Value) {
    let id = paused["requestId"].clone();
    let url = paused["request"]["url"].as_str().unwrap_or("");
    match route(url) {
        Route::Book => ("Fetch.continueRequest", json!({ "requestId": id })),
        Route::Playground => (
            "Fetch.fulfillRequest",
            json!({
                "requestId": id,
                "responseCode": 200,
                "responseHeaders": [
                    { "name": "Content-Type", "value": "application/json" },
                    { "name": "Access-Control-Allow-Origin", "value": "*" },
                    { "name": "Access-Control-Allow-Headers", "value": "Content-Type" },
                    { "name": "Access-Control-Allow-Methods", "value": "POST" },
                ],
                // {"crates":[]}
                "body": "eyJjcmF0ZXMiOltdfQ==",
            }),
        ),
        Route::Outside => (
            "Fetch.failRequest",
            json!({ "requestId": id, "errorReason": "BlockedByClient" }),
        ),
    }
}

/// What a page event says went wrong, if anything.
pub fn problem(event: &Event) -> Option<String> {
    let p = &event.params;
    match event.method.as_str() {
        "Fetch.requestPaused" => {
            let url = p["request"]["url"].as_str().unwrap_or("?");
            (route(url) == Route::Outside).then(|| {
                format!("the page asked the network for {url} (the book must read offline)")
            })
        }
        "Runtime.consoleAPICalled" => {
            let kind = p["type"].as_str().unwrap_or("");
            if kind != "error" && kind != "assert" {
                return None;
            }
            let args: Vec<String> = p["args"]
                .as_array()
                .map(|args| args.iter().map(remote_text).collect())
                .unwrap_or_default();
            let frame = &p["stackTrace"]["callFrames"][0];
            Some(format!(
                "console.{kind}: {}{}",
                args.join(" "),
                at(&frame["url"], &frame["lineNumber"])
            ))
        }
        "Runtime.exceptionThrown" => {
            let details = &p["exceptionDetails"];
            let text = details["exception"]["description"]
                .as_str()
                .or_else(|| details["text"].as_str())
                .unwrap_or("?");
            let first_line = text.lines().next().unwrap_or("");
            Some(format!(
                "uncaught exception: {first_line}{}",
                at(&details["url"], &details["lineNumber"])
            ))
        }
        "Log.entryAdded" => {
            let entry = &p["entry"];
            if entry["level"].as_str() != Some("error") {
                return None;
            }
            let source = entry["source"].as_str().unwrap_or("?");
            let text = entry["text"].as_str().unwrap_or("?");
            let url = entry["url"].as_str().unwrap_or("");
            if source == "network" {
                Some(format!("failed to load {url}: {text}"))
            } else {
                Some(format!(
                    "{source} error: {text}{}",
                    at(&entry["url"], &entry["lineNumber"])
                ))
            }
        }
        "Page.javascriptDialogOpening" => Some(format!(
            "the page opened a dialog ({}): {}",
            p["type"].as_str().unwrap_or("?"),
            p["message"].as_str().unwrap_or("")
        )),
        _ => None,
    }
}

/// ` (at file.js:12)`, or nothing if the place is unknown.
fn at(url: &Value, line: &Value) -> String {
    match (url.as_str(), line.as_u64()) {
        (Some(url), Some(line)) if !url.is_empty() => {
            let file = url.rsplit('/').next().unwrap_or(url);
            format!(" (at {file}:{})", line + 1)
        }
        _ => String::new(),
    }
}

/// A console argument as the console would show it.
fn remote_text(object: &Value) -> String {
    match object.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(value) => value.to_string(),
        None => object["description"]
            .as_str()
            .or_else(|| object["type"].as_str())
            .unwrap_or("?")
            .to_string(),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `text` as a JavaScript string literal (JSON's is one).
pub fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// `text` as a CSS attribute value, quoted: `[data-thread="A"]`.
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}
