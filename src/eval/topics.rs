//! Ranking quality on messages labelled by topic: real residents' messages, each with the topic a
//! community secretary would file it under. A case is "of the message's kind" when its topics
//! include one of the message's labels; a search by the message's title, and one by its text,
//! should bring such cases to the top.
//!
//! The messages themselves are research data that never enters the repository: they are read
//! from a JSON-lines file (`id`, `title`, `detail`) and the labels from a TSV file of ids
//! (`id<TAB>topic<TAB>also-acceptable topics, comma-separated<TAB>how picked`; topic `-` means
//! none applies, and such lines are skipped).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::search::{Engine, Filters, SearchMode, SearchRequest};

/// Depth of the rankings that are scored (MRR@10).
pub const DEPTH: usize = 10;

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// Its id in the messages file.
    pub id: String,
    /// Title.
    pub title: String,
    /// Text.
    pub detail: String,
    /// Acceptable topics, the secretary's first.
    pub topics: Vec<String>,
}

/// Read the labels and the messages they name (in label order; a label whose message is missing
/// is an error; a message id given twice in the messages file counts its first occurrence).
pub fn read(labels: &Path, messages: &Path) -> Result<Vec<Labelled>> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| Error::Io {
            path: p.to_path_buf(),
            source: e,
        })
    };
    let labels_text = read(labels)?;
    let mut wanted: Vec<(String, Vec<String>, usize)> = Vec::new();
    for (i, line) in labels_text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 {
            return Err(Error::Resource {
                path: labels.to_path_buf(),
                line: i + 1,
                message: "每行应为“编号<Tab>主题<Tab>也算对的主题<Tab>来源”".into(),
            });
        }
        if cols[1].trim() == "-" {
            continue;
        }
        let mut topics = vec![cols[1].trim().to_string()];
        if let Some(also) = cols.get(2) {
            topics.extend(
                also.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
        wanted.push((cols[0].trim().to_string(), topics, i + 1));
    }
    let mut found: HashMap<String, (String, String)> = HashMap::new();
    for (i, line) in read(messages)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::Resource {
            path: messages.to_path_buf(),
            line: i + 1,
            message: format!("不是一行 JSON：{e}"),
        })?;
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = |k: &str| v[k].as_str().unwrap_or("").to_string();
        found
            .entry(id)
            .or_insert_with(|| (text("title"), text("detail")));
    }
    wanted
        .into_iter()
        .map(|(id, topics, line)| {
            let (title, detail) = found.get(&id).cloned().ok_or_else(|| Error::Resource {
                path: labels.to_path_buf(),
                line,
                message: format!("留言文件里没有编号 {id}"),
            })?;
            Ok(Labelled {
                id,
                title,
                detail,
                topics,
            })
        })
        .collect()
}

/// Scores of one way of searching.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TopicScores {
    /// Mean share of the top 5 that is of the message's kind.
    pub p5: f64,
    /// Mean reciprocal rank of the first case of its kind in the top [`DEPTH`].
    pub mrr: f64,
    /// Messages scored.
    pub messages: usize,
}

/// Scores by title and by text for one ranking mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicReport {
    /// The mode.
    pub mode: SearchMode,
    /// Searching by the message's title.
    pub title: TopicScores,
    /// Searching by the message's text.
    pub text: TopicScores,
}

/// Search every message by title and by text with `mode` and score the rankings.
pub fn evaluate(engine: &Engine, set: &[Labelled], mode: SearchMode) -> Result<TopicReport> {
    let topics_of = topics_by_case(engine)?;
    let mut report = TopicReport {
        mode,
        title: TopicScores::default(),
        text: TopicScores::default(),
    };
    for m in set {
        for (query, scores) in [(&m.title, &mut report.title), (&m.detail, &mut report.text)] {
            let ids = ranking(engine, query, mode)?;
            let kind = |id: &String| {
                topics_of
                    .get(id)
                    .is_some_and(|t| t.iter().any(|t| m.topics.contains(t)))
            };
            scores.p5 += ids.iter().take(5).filter(|id| kind(id)).count() as f64 / 5.0;
            scores.mrr += ids
                .iter()
                .position(kind)
                .map_or(0.0, |r| 1.0 / (r + 1) as f64);
            scores.messages += 1;
        }
    }
    for s in [&mut report.title, &mut report.text] {
        if s.messages > 0 {
            s.p5 /= s.messages as f64;
            s.mrr /= s.messages as f64;
        }
    }
    Ok(report)
}

/// The top [`DEPTH`] case ids for `query` (none when the engine refuses the query).
fn ranking(engine: &Engine, query: &str, mode: SearchMode) -> Result<Vec<String>> {
    let req = SearchRequest {
        query: query.to_string(),
        limit: DEPTH,
        offset: 0,
        filters: Filters::default(),
        mode,
        literal: false,
    };
    match engine.search(&req) {
        Ok(r) => Ok(r.hits.into_iter().map(|h| h.id).collect()),
        Err(Error::InvalidQuery(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Every indexed case's topics.
fn topics_by_case(engine: &Engine) -> Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    for id in engine.case_ids()? {
        let case = engine.case(&id)?;
        out.insert(id, case.meta.topics);
    }
    Ok(out)
}
