//! The "be the scheduler" panels, played as a reader plays them, by
//! clicking: for each model with a challenge, on its page, from `file://`
//! and over http:
//! - the panel is built (a button per thread) and starts at the start
//!   (the runnable threads enabled, no step, no outcome), the loom results
//!   (`.play-reveal`) hidden and the outcome to reach not yet reached;
//!   over http, "show without predicting" then shows the loom results;
//! - its `win` schedule, one click per step: after each, the step table
//!   has one more row, naming the step; the enabled buttons are the threads
//!   runnable next; the state shows the node's values; at the end the panel
//!   says the outcome (`data-ended`), that the challenge is solved
//!   (`data-solved="true"`), lists the outcome as reached, and records the
//!   model as solved in `localStorage`;
//! - reset goes back to the start;
//! - its `loss` schedule, with an undo after the second step (one step
//!   back) and one at the end (no outcome any more): at the end
//!   `data-solved="false"` and the challenge says it was not met, naming
//!   what happened;
//! - the prediction: ticking exactly loom's outcomes is right, and (from
//!   `file://`) shows the loom results; a wrong set is wrong, naming what it missed and what
//!   it added;
//! - the fixed version (when the model has one): shown, played to a leaf,
//!   hidden again;
//! - over http, the solved progress survives a reload.

use super::data::{self, Model, Node};
use super::server::Server;
use super::tab::{Tab, css_string, js_string};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// How long the panel may take to answer a click.
const ANSWER: Duration = Duration::from_secs(5);

/// The key the panels keep solved models under.
const SOLVED_KEY: &str = "syncbook-play-solved";

/// The model whose panel is pictured, if it has one.
const PICTURE_MODEL: &str = "value";

/// Steps into the win schedule at which the picture is taken.
const PICTURE_AFTER: usize = 3;

pub struct Book<'a> {
    pub play_dir: &'a Path,
    pub out_dir: &'a Path,
    pub server: &'a Server,
    /// Each page with panels, and the models of its panels.
    pub panel_pages: &'a [(String, Vec<String>)],
    pub picture: &'a Path,
}

pub struct Played {
    pub failures: Vec<String>,
    pub summary: String,
}

pub fn check_all(tab: &mut Tab, book: &Book) -> Played {
    let models = match data::load(book.play_dir) {
        Ok(models) => models,
        Err(err) => {
            return Played {
                failures: vec![err],
                summary: "the panel data did not read".into(),
            };
        }
    };
    // The book has panels: no data, or no panel on any page, is a failure.
    if models.is_empty() || book.panel_pages.is_empty() {
        let why = match models.is_empty() {
            true => "book/play/ holds no model data (cargo xtask book writes it)",
            false => "no .play-panel on any page",
        };
        return Played {
            failures: vec![why.to_string()],
            summary: "no panels".into(),
        };
    }

    let mut failures = Vec::new();
    let find = |id: &str| models.iter().find(|m| m.id == id);
    for (page, ids) in book.panel_pages {
        for id in ids {
            if find(id).is_none() {
                failures.push(format!(
                    "{page}: a .play-panel shows model `{id}`, but there is no play/{id}.js"
                ));
            }
        }
    }
    let mut played = 0;
    let mut picture_taken = false;
    // The first chapter's panel if it is there, else the first one.
    let picture_model = models
        .iter()
        .filter(|m| m.challenge.is_some())
        .map(|m| m.id.as_str())
        .find(|&id| id == PICTURE_MODEL)
        .or_else(|| {
            models
                .iter()
                .find(|m| m.challenge.is_some())
                .map(|m| m.id.as_str())
        })
        .unwrap_or_default()
        .to_string();
    for model in models.iter().filter(|m| m.challenge.is_some()) {
        // Its chapter's page (print.html, which holds every chapter, has
        // every panel's markup too, but builds no panel).
        let chapter_page = model.chapter.replace(".md", ".html");
        let on = |page: &str| {
            book.panel_pages
                .iter()
                .find(|(p, ids)| p.as_str() == page && ids.contains(&model.id))
        };
        let Some((page, _)) = on(&chapter_page).or_else(|| {
            book.panel_pages
                .iter()
                .find(|(p, ids)| p.as_str() != "print.html" && ids.contains(&model.id))
        }) else {
            failures.push(format!(
                "play/{}.js has a challenge, but no page has a .play-panel with data-model=\"{}\"",
                model.id, model.id
            ));
            continue;
        };
        if *page != chapter_page {
            failures.push(format!(
                "play/{}.js belongs to {}, but its panel is on {page}",
                model.id, model.chapter
            ));
        }
        let fixed = model.fixed.as_deref().and_then(find);
        if let Some(fixed_id) = &model.fixed
            && fixed.is_none()
        {
            failures.push(format!(
                    "play/{}.js names the fixed version `{fixed_id}`, but there is no play/{fixed_id}.js",
                    model.id
                ));
        }
        let file_url = super::file_url(&book.out_dir.join(page));
        let http_url = book.server.url(page);
        for (how, url) in [("file://", &file_url), ("http", &http_url)] {
            let picture = (how == "http" && !picture_taken && model.id == picture_model)
                .then_some(book.picture);
            let mut panel = Panel {
                tab: &mut *tab,
                model,
                selector: format!(".play-panel[data-model={}]", css_string(&model.id)),
                context: format!("panel `{}` on {page} ({how})", model.id),
            };
            match panel.play(url, fixed, picture, how == "http") {
                Ok(()) => {
                    played += 1;
                    picture_taken |= picture.is_some();
                    println!("ok   {}", panel.context);
                }
                Err(err) => {
                    println!("FAIL {}", panel.context);
                    failures.push(format!("{}: {err}", panel.context));
                }
            }
            for problem in tab.problems() {
                failures.push(format!("panel `{}` on {page} ({how}): {problem}", model.id));
            }
        }
    }
    Played {
        failures,
        summary: format!("{played} panel plays passed"),
    }
}

/// One panel on a loaded page.
struct Panel<'a> {
    tab: &'a mut Tab,
    model: &'a Model,
    selector: String,
    context: String,
}

/// The panel as the test reads it (see `SNAPSHOT`).
#[derive(Debug, serde::Deserialize)]
struct Snapshot {
    ended: Option<String>,
    solved: Option<String>,
    outcome: Option<String>,
    challenge: Option<String>,
    state: Option<String>,
    steps: Option<usize>,
    last: Option<String>,
    threads: Vec<String>,
    enabled: Vec<String>,
    reached: Vec<String>,
    result: Option<String>,
    reveal: Option<bool>,
    solved_store: Option<String>,
}

/// Everything the checks read from the panel, in one evaluation. `$SEL`, `$ID`
/// and `$KEY` are replaced with the panel's selector, its model's id and the progress key.
const SNAPSHOT: &str = r#"(() => {
    const p = document.querySelector($SEL);
    if (!p) return null;
    const squash = (e) => e ? e.textContent.replace(/\s+/g, " ").trim() : null;
    const role = (r) => squash(p.querySelector(`[data-role="${r}"]`));
    const table = p.querySelector('[data-role="steps"]');
    const rows = table
        ? [...table.querySelectorAll("tr")].filter((r) => r.querySelector("td") && !r.closest("thead"))
        : [];
    const buttons = [...p.querySelectorAll("button[data-thread]")];
    const reveal = document.querySelector(`.play-reveal[data-model="${CSS.escape($ID)}"]`);
    return {
        ended: p.getAttribute("data-ended"),
        solved: p.getAttribute("data-solved"),
        outcome: role("outcome"),
        challenge: role("challenge"),
        state: role("state"),
        steps: table ? rows.length : null,
        last: rows.length ? squash(rows[rows.length - 1]) : null,
        threads: buttons.map((b) => b.dataset.thread),
        enabled: buttons.filter((b) => !b.disabled).map((b) => b.dataset.thread),
        reached: [...p.querySelectorAll('[data-role="reached"] [data-outcome]')].map((e) => e.dataset.outcome),
        result: role("prediction-result"),
        reveal: reveal ? reveal.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : null,
        solved_store: localStorage.getItem($KEY),
    };
})()"#;

impl Panel<'_> {
    fn play(
        &mut self,
        url: &str,
        fixed: Option<&Model>,
        picture: Option<&Path>,
        over_http: bool,
    ) -> Result<(), String> {
        let model = self.model;
        let challenge = model
            .challenge
            .as_ref()
            .expect("only models with a challenge");
        self.tab
            .goto(url)
            .map_err(|err| format!("the page did not load: {err}"))?;
        self.wait_built()?;
        self.tab.eval(&format!(
            "localStorage.removeItem({})",
            js_string(SOLVED_KEY)
        ))?;

        // At the start.
        let start = self.snapshot()?;
        for thread in &model.threads {
            if !start.threads.contains(thread) {
                return Err(format!(
                    "no button[data-thread=\"{thread}\"] (buttons for: {})",
                    list(&start.threads)
                ));
            }
        }
        if start.steps.is_some_and(|rows| rows > 0) {
            return Err(format!(
                "at the start, the step table already has {}",
                plural(start.steps.unwrap_or(0), "row")
            ));
        }
        self.expect_at("at the start", &start, &model.nodes[0], 0)?;
        match start.reveal {
            None => {
                return Err(format!(
                    "no .play-reveal[data-model=\"{}\"] on the page (the loom results the prediction comes before)",
                    model.id
                ));
            }
            Some(true) => {
                return Err("the loom results (.play-reveal) show before any prediction".into());
            }
            Some(false) => {}
        }
        // Over http, "show without predicting" shows them (from file://,
        // the prediction does, below).
        if over_http {
            let at = "showing the loom results without predicting";
            self.click("button[data-action=\"reveal\"]", at)?;
            let shown = self.tab.wait_for(
                &format!(
                    "document.querySelector({}).checkVisibility({{ visibilityProperty: true, opacityProperty: true }})",
                    js_string(&format!(".play-reveal[data-model={}]", css_string(&model.id)))
                ),
                ANSWER,
            );
            if shown.is_err() {
                return Err(format!(
                    "{at}: the loom results (.play-reveal) are still hidden"
                ));
            }
        }
        let win_end = challenge.outcome.as_str();
        if start.reached.iter().any(|o| o == win_end) {
            return Err(format!(
                "[data-role=\"reached\"] lists [data-outcome=\"{win_end}\"] before any play"
            ));
        }

        // The win.
        let win = model.walk(&model.win, "win")?;
        for (i, thread) in model.win.iter().enumerate() {
            let at = format!("win step {} (thread {thread})", i + 1);
            self.step(&at, thread, i + 1, &model.nodes[win[i + 1]])?;
            if i + 1 == PICTURE_AFTER.min(model.win.len() - 1)
                && let Some(path) = picture
            {
                self.picture(path)?;
            }
        }
        let won = self.snapshot()?;
        let at = "after the win schedule";
        expect_eq(at, "data-solved", won.solved.as_deref(), Some("true"))?;
        let said = won.challenge.clone().unwrap_or_default();
        if !said.to_lowercase().contains("solved") {
            return Err(format!(
                "{at}: [data-role=\"challenge\"] does not say \"Solved\": {said:?}"
            ));
        }
        if !won.reached.iter().any(|o| o == win_end) {
            return Err(format!(
                "{at}: [data-role=\"reached\"] has no [data-outcome=\"{win_end}\"] (it lists: {})",
                list(&won.reached)
            ));
        }
        let stored = solved_ids(won.solved_store.as_deref());
        if !stored.contains(&model.id) {
            return Err(format!(
                "{at}: localStorage[\"{SOLVED_KEY}\"] does not hold \"{}\" (it holds {})",
                model.id,
                stored_text(&won.solved_store)
            ));
        }

        // Reset.
        self.click("button[data-action=\"reset\"]", "reset")?;
        let reset = self.wait_steps("after reset", 0)?;
        self.expect_at("after reset", &reset, &model.nodes[0], 0)?;

        // The loss (none where every schedule wins the challenge).
        if !model.loss.is_empty() {
            self.play_loss(model, win_end)?;
        }

        // The prediction: right, then wrong.
        let at = format!(
            "predicting exactly loom's outcomes {{{}}}",
            model.proved.outcomes.join(", ")
        );
        self.predict(&model.proved.outcomes, &at)?;
        let right = self.wait_result(&at, None)?;
        if !says_right(&right) || says_wrong(&right) {
            return Err(format!(
                "{at}: [data-role=\"prediction-result\"] should say it is right; it says {right:?}"
            ));
        }
        let shown = self.snapshot()?;
        if !over_http && shown.reveal != Some(true) {
            return Err(
                "after the prediction, the loom results (.play-reveal) are still hidden".into(),
            );
        }
        let (wrong, missed, added) = wrong_set(model);
        let at = format!(
            "predicting {{{}}} (loom: {{{}}})",
            wrong.join(", "),
            model.proved.outcomes.join(", ")
        );
        self.predict(&wrong, &at)?;
        let wrong_said = self.wait_result(&at, Some(&right))?;
        let mut missing = Vec::new();
        if !says_wrong(&wrong_said) {
            missing.push("that it is wrong".to_string());
        }
        if !wrong_said.contains(missed.as_str()) {
            missing.push(format!("the outcome it missed, \"{missed}\""));
        }
        if let Some(added) = &added
            && !wrong_said.contains(added.as_str())
        {
            missing.push(format!("the outcome it added, \"{added}\""));
        }
        if !missing.is_empty() {
            return Err(format!(
                "{at}: [data-role=\"prediction-result\"] does not say {}; it says {wrong_said:?}",
                missing.join(", nor ")
            ));
        }

        // The fixed version.
        if let Some(fixed) = fixed {
            self.fixed(fixed)?;
        }

        // Progress kept across a reload.
        if over_http {
            self.tab
                .reload()
                .map_err(|err| format!("reloading the page: {err}"))?;
            self.wait_built()?;
            let again = self.snapshot()?;
            if !solved_ids(again.solved_store.as_deref()).contains(&model.id) {
                return Err(format!(
                    "after a reload, localStorage[\"{SOLVED_KEY}\"] no longer holds \"{}\" (it holds {})",
                    model.id,
                    stored_text(&again.solved_store)
                ));
            }
        }
        Ok(())
    }

    /// The loss schedule, with an undo after its second step and one at its
    /// end: the panel says the challenge was not met, and what happened.
    fn play_loss(&mut self, model: &Model, win_end: &str) -> Result<(), String> {
        let loss = model.walk(&model.loss, "loss")?;
        let undo_after = 2.min(model.loss.len() - 1);
        for (i, thread) in model.loss.iter().enumerate() {
            let at = format!("loss step {} (thread {thread})", i + 1);
            self.step(&at, thread, i + 1, &model.nodes[loss[i + 1]])?;
            if i + 1 == undo_after {
                let at = format!("undo after loss step {}", i + 1);
                self.click("button[data-action=\"undo\"]", &at)?;
                let back = self.wait_steps(&at, i)?;
                self.expect_at(&at, &back, &model.nodes[loss[i]], i)?;
                let at = format!("loss step {} again (thread {thread})", i + 1);
                self.step(&at, thread, i + 1, &model.nodes[loss[i + 1]])?;
            }
        }
        let n = model.loss.len();
        let loss_end = model.nodes[loss[n]].end.clone().unwrap_or_default();
        let lost = self.snapshot()?;
        let at = "after the loss schedule";
        expect_eq(at, "data-solved", lost.solved.as_deref(), Some("false"))?;
        let said = lost.challenge.clone().unwrap_or_default();
        let says_not = ["not", "n't", "fail"]
            .iter()
            .any(|word| said.to_lowercase().contains(word));
        if !says_not || !said.contains(&loss_end) {
            return Err(format!(
                "{at}: [data-role=\"challenge\"] should say the challenge was not met and that it \
                 ended at \"{loss_end}\"; it says {said:?}"
            ));
        }
        for end in [win_end, loss_end.as_str()] {
            if !lost.reached.iter().any(|o| o == end) {
                return Err(format!(
                    "{at}: [data-role=\"reached\"] has no [data-outcome=\"{end}\"] (it lists: {})",
                    list(&lost.reached)
                ));
            }
        }
        let at = "undo at the end of the loss schedule";
        self.click("button[data-action=\"undo\"]", at)?;
        let back = self.wait_steps(at, n - 1)?;
        self.expect_at(at, &back, &model.nodes[loss[n - 1]], n - 1)?;
        Ok(())
    }

    fn snapshot(&mut self) -> Result<Snapshot, String> {
        let script = SNAPSHOT
            .replace("$SEL", &js_string(&self.selector))
            .replace("$ID", &js_string(&self.model.id))
            .replace("$KEY", &js_string(SOLVED_KEY));
        let value = self.tab.eval(&script)?;
        if value.is_null() {
            return Err(format!("no {} on the page any more", self.selector));
        }
        serde_json::from_value(value).map_err(|err| format!("reading the panel: {err}"))
    }

    fn wait_built(&mut self) -> Result<(), String> {
        let script = format!(
            "!!document.querySelector({})",
            js_string(&format!("{} button[data-thread]", self.selector))
        );
        self.tab
            .wait_for(&script, Duration::from_secs(10))
            .map(|_| ())
            .map_err(|_| {
                format!(
                    "the panel was not built within 10 s: no button[data-thread] inside {}",
                    self.selector
                )
            })
    }

    fn click(&mut self, inner: &str, at: &str) -> Result<(), String> {
        let selector = format!("{} {inner}", self.selector);
        self.tab
            .click(&selector)
            .map_err(|err| format!("{at}: {err}"))
    }

    /// Clicks `thread`'s button, waits for step `count` to show, and checks
    /// the panel against `node`.
    fn step(&mut self, at: &str, thread: &str, count: usize, node: &Node) -> Result<(), String> {
        let button = format!("button[data-thread={}]", css_string(thread));
        self.click(&button, at)?;
        let seen = self.wait_steps(at, count)?;
        self.expect_at(at, &seen, node, count)
    }

    /// Waits until the step table has `count` rows.
    fn wait_steps(&mut self, at: &str, count: usize) -> Result<Snapshot, String> {
        let script = format!(
            "(() => {{ const t = document.querySelector({}); \
             if (!t) return {}; \
             return [...t.querySelectorAll('tr')].filter((r) => r.querySelector('td') && !r.closest('thead')).length === {count}; }})()",
            js_string(&format!("{} [data-role=\"steps\"]", self.selector)),
            count == 0
        );
        let waited = self.tab.wait_for(&script, ANSWER);
        let seen = self.snapshot()?;
        if waited.is_err() {
            return Err(match seen.steps {
                None => format!("{at}: the panel has no [data-role=\"steps\"]"),
                Some(rows) => format!(
                    "{at}: the step table should have {} after {} s; it has {rows}",
                    plural(count, "row"),
                    ANSWER.as_secs()
                ),
            });
        }
        Ok(seen)
    }

    /// The panel shows `node`, reached after `count` steps.
    fn expect_at(
        &self,
        at: &str,
        seen: &Snapshot,
        node: &Node,
        count: usize,
    ) -> Result<(), String> {
        let enabled: BTreeSet<&String> = seen.enabled.iter().collect();
        let runnable: BTreeSet<&String> = node.next.keys().collect();
        if enabled != runnable {
            return Err(format!(
                "{at}: the enabled thread buttons are {}; the threads that can run are {}",
                list(&seen.enabled),
                data::runnable(node)
            ));
        }
        if count > 0
            && let Some(what) = node.what.as_deref().filter(|w| !w.is_empty())
        {
            let last = seen.last.as_deref().unwrap_or("");
            if !last.contains(what) {
                return Err(format!(
                    "{at}: the step table's last row should name the step \"{what}\"; it reads {last:?}"
                ));
            }
        }
        let state = seen.state.as_deref().unwrap_or("");
        if seen.state.is_none() {
            return Err(format!("{at}: the panel has no [data-role=\"state\"]"));
        }
        for (name, value) in &node.state {
            if !state.contains(name.as_str()) || !state.contains(value.as_str()) {
                return Err(format!(
                    "{at}: [data-role=\"state\"] should show {name} = {value}; it reads {state:?}"
                ));
            }
        }
        match &node.end {
            Some(end) => {
                expect_eq(at, "data-ended", seen.ended.as_deref(), Some(end))?;
                let outcome = seen.outcome.as_deref().unwrap_or("");
                if !outcome.contains(end.as_str()) {
                    return Err(format!(
                        "{at}: [data-role=\"outcome\"] should say the outcome \"{end}\"; it reads {outcome:?}"
                    ));
                }
            }
            None => {
                if seen.ended.as_deref().is_some_and(|e| !e.is_empty()) {
                    return Err(format!(
                        "{at}: not at an end, yet the panel has data-ended=\"{}\"",
                        seen.ended.as_deref().unwrap_or("")
                    ));
                }
                if let Some(outcome) = seen.outcome.as_deref().filter(|o| !o.is_empty()) {
                    return Err(format!(
                        "{at}: not at an end, yet [data-role=\"outcome\"] reads {outcome:?}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Ticks exactly `outcomes` among the choices and clicks "predict".
    fn predict(&mut self, outcomes: &[String], at: &str) -> Result<(), String> {
        for choice in &self.model.question.choices {
            let inner = format!("input[type=checkbox][data-predict={}]", css_string(choice));
            let selector = js_string(&format!("{} {inner}", self.selector));
            let checked = self.tab.eval(&format!(
                "(() => {{ const c = document.querySelector({selector}); return c ? c.checked : null; }})()"
            ))?;
            let want = outcomes.contains(choice);
            match checked.as_bool() {
                None => return Err(format!("{at}: no {inner} in the panel")),
                Some(is) if is != want => self.click(&inner, at)?,
                Some(_) => {}
            }
            let now = self
                .tab
                .eval(&format!("document.querySelector({selector}).checked"))?;
            if now.as_bool() != Some(want) {
                return Err(format!("{at}: clicking {inner} did not tick it"));
            }
        }
        self.click("button[data-action=\"predict\"]", at)
    }

    /// Waits for the prediction's result to show and differ from `before`.
    fn wait_result(&mut self, at: &str, before: Option<&str>) -> Result<String, String> {
        let selector = js_string(&format!(
            "{} [data-role=\"prediction-result\"]",
            self.selector
        ));
        let script = format!(
            "(() => {{ const r = document.querySelector({selector}); \
             const t = r ? r.textContent.replace(/\\s+/g, ' ').trim() : ''; \
             return t !== '' && t !== {} ? t : null; }})()",
            js_string(before.unwrap_or(""))
        );
        match self.tab.wait_for(&script, ANSWER) {
            Ok(Value::String(text)) => Ok(text),
            _ => {
                let seen = self.snapshot()?.result.unwrap_or_default();
                Err(if seen.is_empty() {
                    format!(
                        "{at}: [data-role=\"prediction-result\"] shows no result {} s after the click on predict",
                        ANSWER.as_secs()
                    )
                } else {
                    format!(
                        "{at}: [data-role=\"prediction-result\"] still reads {seen:?} {} s after the click on predict",
                        ANSWER.as_secs()
                    )
                })
            }
        }
    }

    /// Shows the fixed version, plays it to a leaf, and goes back.
    fn fixed(&mut self, fixed: &Model) -> Result<(), String> {
        // Each version keeps its own run: the naive one's steps are there
        // again when the reader comes back to it.
        let naive_steps = self.snapshot()?.steps.unwrap_or(0);
        let at = "showing the fixed version";
        self.click("button[data-action=\"show-fixed\"]", at)?;
        // Its data loads on the first switch: until then the naive version
        // is shown, and takes the clicks.
        self.wait_version("fixed", at)?;
        let shown = self.wait_steps(at, 0)?;
        self.expect_at(at, &shown, &fixed.nodes[0], 0)?;
        let schedule = fixed.first_path();
        let path = fixed.walk(&schedule, "fixed")?;
        for (i, thread) in schedule.iter().enumerate() {
            let at = format!(
                "fixed version `{}`, step {} (thread {thread})",
                fixed.id,
                i + 1
            );
            self.step(&at, thread, i + 1, &fixed.nodes[path[i + 1]])?;
        }
        let at = "back to the naive version";
        self.click("button[data-action=\"show-naive\"]", at)?;
        self.wait_version("naive", at)?;
        self.wait_steps(at, naive_steps).map(|_| ())
    }

    /// Waits until the panel shows `version` (its `data-version`).
    fn wait_version(&mut self, version: &str, at: &str) -> Result<(), String> {
        let expression = format!(
            "document.querySelector({})?.getAttribute('data-version') === {}",
            js_string(&self.selector),
            js_string(version)
        );
        self.tab
            .wait_for(&expression, Duration::from_secs(5))
            .map(|_| ())
            .map_err(|seen| {
                format!("{at}: the panel did not show the {version} version within 5 s ({seen})")
            })
    }

    /// A PNG of the panel, written to `path` (its folder made if need be).
    fn picture(&mut self, path: &Path) -> Result<(), String> {
        // mdBook's menu bar sticks to the top of the window, over the panel.
        self.tab
            .eval("document.getElementById('menu-bar')?.style.setProperty('position', 'static')")?;
        let png = self.tab.screenshot(&self.selector)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
        }
        fs::write(path, &png).map_err(|err| format!("{}: {err}", path.display()))?;
        println!(
            "     wrote {} ({} KiB)",
            path.display(),
            png.len().div_ceil(1024)
        );
        Ok(())
    }
}

/// A wrong prediction: loom's set less its first outcome, plus the first
/// choice loom did not reach (if any). Returns it, what it misses, and
/// what it adds.
fn wrong_set(model: &Model) -> (Vec<String>, String, Option<String>) {
    let proved = &model.proved.outcomes;
    let missed = proved.first().cloned().unwrap_or_default();
    let added = model
        .question
        .choices
        .iter()
        .find(|c| !proved.contains(c))
        .cloned();
    let mut wrong: Vec<String> = proved.iter().skip(1).cloned().collect();
    wrong.extend(added.clone());
    (wrong, missed, added)
}

fn says_right(text: &str) -> bool {
    let text = text.to_lowercase();
    words(&text).any(|w| w == "right" || w == "correct")
}

fn says_wrong(text: &str) -> bool {
    let text = text.to_lowercase();
    words(&text).any(|w| w == "wrong" || w == "incorrect") || text.contains("not right")
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// `nothing`, or the text stored.
fn stored_text(stored: &Option<String>) -> String {
    match stored {
        Some(text) => text.clone(),
        None => "nothing".to_string(),
    }
}

fn solved_ids(stored: Option<&str>) -> Vec<String> {
    stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

fn expect_eq(
    at: &str,
    attribute: &str,
    seen: Option<&str>,
    want: Option<&str>,
) -> Result<(), String> {
    if seen == want {
        return Ok(());
    }
    let show = |v: Option<&str>| match v {
        Some(v) => format!("{attribute}=\"{v}\""),
        None => format!("no {attribute}"),
    };
    Err(format!(
        "{at}: the panel should have {}; it has {}",
        show(want),
        show(seen)
    ))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
