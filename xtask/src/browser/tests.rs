//! What can be tested without a browser: the pipe's framing, Base64, the
//! panel data and its schedules, the static server, file URLs, and how
//! page events read as problems.

use super::cdp::{Event, decode_base64, read_message};
use super::data;
use super::server::{Server, resolve};
use super::tab::{css_string, problem};
use serde_json::json;
use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;
use std::{env, fs};

#[test]
fn messages_are_split_on_nul_bytes() {
    let mut pipe = Cursor::new(b"{\"id\":1}\0{\"method\":\"Page.loadEventFired\"}\0".to_vec());
    assert_eq!(read_message(&mut pipe), Ok(Some(json!({"id": 1}))));
    assert_eq!(
        read_message(&mut pipe),
        Ok(Some(json!({"method": "Page.loadEventFired"})))
    );
    assert_eq!(read_message(&mut pipe), Ok(None));
}

#[test]
fn a_message_cut_short_is_an_error() {
    let mut pipe = Cursor::new(b"{\"id\":1".to_vec());
    assert_eq!(
        read_message(&mut pipe),
        Err("Chromium's pipe ended inside a message".to_string())
    );
}

#[test]
fn base64_decodes_with_and_without_padding() {
    assert_eq!(decode_base64("TWFu").unwrap(), b"Man");
    assert_eq!(decode_base64("TWE=").unwrap(), b"Ma");
    assert_eq!(decode_base64("TQ==").unwrap(), b"M");
    assert_eq!(decode_base64("").unwrap(), b"");
    assert_eq!(decode_base64("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        decode_base64("TW*u"),
        Err("not Base64: byte 0x2a".to_string())
    );
}

/// A model of the contract's shape: two threads, one step each, the order
/// deciding the outcome.
fn sample(id: &str, win: &str, loss: &str) -> String {
    let json = json!({
        "id": id,
        "chapter": "value.md",
        "title": "t",
        "threads": ["main", "A"],
        "code": { "file": "src/value.rs", "first_line": 1, "lines": ["x"] },
        "challenge": { "text": "End at 1.", "outcome": "1" },
        "question": { "text": "q", "choices": ["1", "2"] },
        "proved": { "outcomes": ["1", "2"], "explored": "e", "weak": [] },
        "win": win.split_whitespace().collect::<Vec<_>>(),
        "loss": loss.split_whitespace().collect::<Vec<_>>(),
        "nodes": [
            { "by": null, "what": null, "line": null, "state": [["v", "0"]], "next": {"main": 1, "A": 2}, "end": null },
            { "by": "main", "what": "write 1", "line": 1, "state": [["v", "1"]], "next": {"A": 3}, "end": null },
            { "by": "A", "what": "write 2", "line": 1, "state": [["v", "2"]], "next": {"main": 4}, "end": null },
            { "by": "A", "what": "write 2", "line": 1, "state": [["v", "2"]], "next": {}, "end": "2" },
            { "by": "main", "what": "write 1", "line": 1, "state": [["v", "1"]], "next": {}, "end": "1" }
        ]
    });
    format!("(window.SYNCBOOK_PLAY = window.SYNCBOOK_PLAY || {{}})[\"{id}\"] = {json};\n")
}

#[test]
fn a_data_script_reads_and_its_schedules_walk() {
    let model = data::parse(&sample("value", "A main", "main A")).unwrap();
    assert_eq!(model.id, "value");
    let win: Vec<String> = vec!["A".into(), "main".into()];
    assert_eq!(model.walk(&win, "win").unwrap(), vec![0, 2, 4]);
    assert_eq!(
        model.first_path(),
        vec!["A".to_string(), "main".to_string()]
    );
    let stuck: Vec<String> = vec!["main".into(), "main".into()];
    assert_eq!(
        model.walk(&stuck, "loss"),
        Err("loss step 2: thread main cannot run there (runnable: A)".to_string())
    );
}

#[test]
fn a_data_script_of_another_shape_is_refused() {
    let err = data::parse("window.SYNCBOOK_PLAY.value = {};").unwrap_err();
    assert_eq!(
        err,
        "does not start with `(window.SYNCBOOK_PLAY = window.SYNCBOOK_PLAY || {})[`"
    );
    let renamed = sample("value", "A main", "main A").replace("[\"value\"]", "[\"lock\"]");
    assert_eq!(
        data::parse(&renamed).unwrap_err(),
        "it is stored under \"lock\" but its id is `value`"
    );
}

#[test]
fn data_whose_win_does_not_win_is_refused() {
    let dir = scratch("win-loses");
    fs::write(dir.join("value.js"), sample("value", "main A", "A main")).unwrap();
    assert_eq!(
        data::load(&dir).unwrap_err(),
        "play/value.js: its win schedule ends at Some(\"2\"), not at the challenge's \"1\""
    );
    fs::write(dir.join("value.js"), sample("value", "A", "main A")).unwrap();
    assert_eq!(
        data::load(&dir).unwrap_err(),
        "play/value.js: its win schedule stops before the end (runnable: main)"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_is_named_after_its_file_and_a_missing_folder_is_no_data() {
    let dir = scratch("named");
    fs::write(dir.join("lock.js"), sample("value", "A main", "main A")).unwrap();
    assert_eq!(
        data::load(&dir).unwrap_err(),
        "play/lock.js: its id is `value`, not the file's name"
    );
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(data::load(&dir).unwrap().len(), 0);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = env::temp_dir().join(format!(
        "syncbook-browser-test-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn get(server: &Server, target: &str) -> String {
    let address = server
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_server_serves_files_and_404_html_for_the_rest() {
    let dir = scratch("server");
    fs::write(dir.join("index.html"), "<h1>home</h1>").unwrap();
    fs::write(dir.join("404.html"), "<h1>missing</h1>").unwrap();
    fs::create_dir_all(dir.join("play")).unwrap();
    fs::write(dir.join("play/a b.js"), "x();").unwrap();
    let server = Server::start(&dir).unwrap();

    let home = get(&server, "/");
    assert!(home.starts_with("HTTP/1.1 200 OK\r\n"), "{home}");
    assert!(
        home.contains("Content-Type: text/html; charset=utf-8\r\n"),
        "{home}"
    );
    assert!(home.ends_with("\r\n\r\n<h1>home</h1>"), "{home}");

    let script = get(&server, "/play/a%20b.js?v=1");
    assert!(script.contains("Content-Type: text/javascript"), "{script}");
    assert!(script.ends_with("x();"), "{script}");

    let missing = get(&server, "/nowhere.html");
    assert!(
        missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{missing}"
    );
    assert!(missing.ends_with("<h1>missing</h1>"), "{missing}");
    drop(server);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_server_serves_nothing_outside_its_folder() {
    let dir = scratch("outside");
    fs::write(dir.join("index.html"), "").unwrap();
    assert_eq!(resolve(&dir, "/../etc/passwd"), None);
    assert_eq!(resolve(&dir, "/%2e%2e/etc/passwd"), None);
    assert_eq!(resolve(&dir, "/./index.html"), Some(dir.join("index.html")));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_urls_escape_what_a_url_cannot_hold() {
    assert_eq!(
        super::file_url(Path::new("/work/my book/a#b.html")),
        "file:///work/my%20book/a%23b.html"
    );
}

#[test]
fn css_strings_are_quoted_and_escaped() {
    assert_eq!(css_string("main"), "\"main\"");
    assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

fn event(method: &str, params: serde_json::Value) -> Event {
    Event {
        session: Some("s".into()),
        method: method.into(),
        params,
    }
}

#[test]
fn page_events_read_as_problems() {
    let logged = event(
        "Runtime.consoleAPICalled",
        json!({ "type": "error", "args": [{"type": "string", "value": "boom"}, {"type": "number", "value": 3}],
                "stackTrace": {"callFrames": [{"url": "file:///book/play.js", "lineNumber": 9}]} }),
    );
    assert_eq!(
        problem(&logged).as_deref(),
        Some("console.error: boom 3 (at play.js:10)")
    );
    let warned = event(
        "Runtime.consoleAPICalled",
        json!({ "type": "warning", "args": [] }),
    );
    assert_eq!(problem(&warned), None);
    let thrown = event(
        "Runtime.exceptionThrown",
        json!({ "exceptionDetails": { "text": "Uncaught", "url": "file:///book/x.js", "lineNumber": 0,
                "exception": { "description": "TypeError: a is undefined\n    at f (x.js:1)" } } }),
    );
    assert_eq!(
        problem(&thrown).as_deref(),
        Some("uncaught exception: TypeError: a is undefined (at x.js:1)")
    );
    let failed = event(
        "Log.entryAdded",
        json!({ "entry": { "source": "network", "level": "error", "url": "file:///book/gone.css",
                "text": "Failed to load resource: net::ERR_FILE_NOT_FOUND" } }),
    );
    assert_eq!(
        problem(&failed).as_deref(),
        Some(
            "failed to load file:///book/gone.css: Failed to load resource: net::ERR_FILE_NOT_FOUND"
        )
    );
    let verbose = event(
        "Log.entryAdded",
        json!({ "entry": { "source": "violation", "level": "verbose", "text": "slow" } }),
    );
    assert_eq!(problem(&verbose), None);
    let dialog = event(
        "Page.javascriptDialogOpening",
        json!({ "type": "alert", "message": "hello" }),
    );
    assert_eq!(
        problem(&dialog).as_deref(),
        Some("the page opened a dialog (alert): hello")
    );
}

#[test]
fn only_the_books_own_requests_go_out() {
    use super::tab::{Route, answer, route};
    assert_eq!(route("http://127.0.0.1:4000/value.html"), Route::Book);
    assert_eq!(
        route("https://play.rust-lang.org/meta/crates"),
        Route::Playground
    );
    assert_eq!(route("https://fonts.example/x.woff"), Route::Outside);
    assert_eq!(route("http://127.0.0.1.example/x"), Route::Outside);
    let paused = |url: &str| json!({ "requestId": "r1", "request": { "url": url } });
    assert_eq!(
        answer(&paused("http://127.0.0.1:4000/")).0,
        "Fetch.continueRequest"
    );
    let (method, params) = answer(&paused("https://play.rust-lang.org/meta/crates"));
    assert_eq!(method, "Fetch.fulfillRequest");
    assert_eq!(
        decode_base64(params["body"].as_str().unwrap()).unwrap(),
        b"{\"crates\":[]}"
    );
    assert_eq!(
        answer(&paused("https://example.com/")),
        (
            "Fetch.failRequest",
            json!({ "requestId": "r1", "errorReason": "BlockedByClient" })
        )
    );
    let asked = event("Fetch.requestPaused", paused("https://example.com/"));
    assert_eq!(
        problem(&asked).as_deref(),
        Some("the page asked the network for https://example.com/ (the book must read offline)")
    );
    let own = event("Fetch.requestPaused", paused("http://127.0.0.1:4000/"));
    assert_eq!(problem(&own), None);
}
