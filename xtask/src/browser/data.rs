//! The data of the "be the scheduler" panels, `book/play/<id>.js`: one
//! script per model, `(window.SYNCBOOK_PLAY = ...)["id"] = { JSON };`. Read
//! here on its own (not through the page), so that a broken panel script
//! cannot hide what the panel should show.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub struct Model {
    pub id: String,
    /// The chapter's Markdown file (`value.md`), whose page holds the panel.
    pub chapter: String,
    pub threads: Vec<String>,
    pub challenge: Option<Challenge>,
    pub question: Question,
    pub proved: Proved,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub win: Vec<String>,
    #[serde(default)]
    pub loss: Vec<String>,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Challenge {
    pub outcome: String,
}

#[derive(Debug, Deserialize)]
pub struct Question {
    pub choices: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Proved {
    pub outcomes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    pub what: Option<String>,
    pub state: Vec<(String, String)>,
    pub next: BTreeMap<String, usize>,
    pub end: Option<String>,
}

/// Every `<id>.js` in `dir` (none if `dir` does not exist), sorted by id;
/// a file that does not parse is an error naming it.
pub fn load(dir: &Path) -> Result<Vec<Model>, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .collect();
    files.sort();
    let mut models = Vec::new();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let text = fs::read_to_string(&file).map_err(|err| format!("play/{name}: {err}"))?;
        let model = parse(&text).map_err(|err| format!("play/{name}: {err}"))?;
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        if model.id != stem {
            return Err(format!(
                "play/{name}: its id is `{}`, not the file's name",
                model.id
            ));
        }
        model.check().map_err(|err| format!("play/{name}: {err}"))?;
        models.push(model);
    }
    Ok(models)
}

/// The model in one data script.
pub fn parse(script: &str) -> Result<Model, String> {
    const HEAD: &str = "(window.SYNCBOOK_PLAY = window.SYNCBOOK_PLAY || {})[";
    let rest = script
        .trim_start()
        .strip_prefix(HEAD)
        .ok_or_else(|| format!("does not start with `{HEAD}`"))?;
    let (key, json) = rest.split_once("] = ").ok_or("no `] = ` after the id")?;
    let json = json.trim_end().strip_suffix(';').unwrap_or(json.trim_end());
    let model: Model =
        serde_json::from_str(json).map_err(|err| format!("its JSON does not read: {err}"))?;
    if key != serde_json::to_string(&model.id).unwrap_or_default() {
        return Err(format!(
            "it is stored under {key} but its id is `{}`",
            model.id
        ));
    }
    Ok(model)
}

impl Model {
    /// What the panel checks take for granted: the schedules end where the
    /// contract says, every `next` points at a node.
    fn check(&self) -> Result<(), String> {
        for (i, node) in self.nodes.iter().enumerate() {
            for (thread, &to) in &node.next {
                if to >= self.nodes.len() {
                    return Err(format!("node {i}: next[{thread}] = {to} is not a node"));
                }
            }
            if node.next.is_empty() && node.end.is_none() {
                return Err(format!("node {i} has no next step and no end"));
            }
        }
        if let Some(challenge) = &self.challenge {
            let win = self.leaf(&self.win, "win")?;
            if win.end.as_deref() != Some(challenge.outcome.as_str()) {
                return Err(format!(
                    "its win schedule ends at {:?}, not at the challenge's {:?}",
                    win.end, challenge.outcome
                ));
            }
            // No loss where every schedule wins (a plain lock taken twice).
            let loss = match self.loss.is_empty() {
                true => None,
                false => Some(self.leaf(&self.loss, "loss")?),
            };
            if loss.is_some_and(|loss| loss.end.as_deref() == Some(challenge.outcome.as_str())) {
                return Err(format!(
                    "its loss schedule ends at the challenge's outcome {:?}",
                    challenge.outcome
                ));
            }
        }
        Ok(())
    }

    /// The nodes a schedule passes through, the start first.
    pub fn walk(&self, schedule: &[String], name: &str) -> Result<Vec<usize>, String> {
        let mut at = 0;
        let mut path = vec![0];
        for (step, thread) in schedule.iter().enumerate() {
            let node = self
                .nodes
                .get(at)
                .ok_or_else(|| format!("there is no node {at}"))?;
            at = *node.next.get(thread).ok_or_else(|| {
                format!(
                    "{name} step {}: thread {thread} cannot run there (runnable: {})",
                    step + 1,
                    runnable(node)
                )
            })?;
            path.push(at);
        }
        Ok(path)
    }

    /// The node a whole schedule ends at, which must be a leaf.
    fn leaf(&self, schedule: &[String], name: &str) -> Result<&Node, String> {
        let path = self.walk(schedule, name)?;
        let node = &self.nodes[*path.last().expect("the start is on every path")];
        if node.end.is_none() {
            return Err(format!(
                "its {name} schedule stops before the end (runnable: {})",
                runnable(node)
            ));
        }
        Ok(node)
    }

    /// A schedule from the start to a leaf: always the first runnable thread.
    pub fn first_path(&self) -> Vec<String> {
        let mut at = 0;
        let mut schedule = Vec::new();
        while let Some((thread, &to)) = self.nodes[at].next.iter().next() {
            schedule.push(thread.clone());
            at = to;
            if schedule.len() > self.nodes.len() {
                break; // a cycle; `check` does not rule them out
            }
        }
        schedule
    }
}

/// `main, A`, or `none` when every thread is blocked or done.
pub fn runnable(node: &Node) -> String {
    if node.next.is_empty() {
        "none".to_string()
    } else {
        node.next.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}
