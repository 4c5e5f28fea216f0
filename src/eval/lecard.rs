//! Similar cases on legal case retrieval: LeCaRD (Ma et al., SIGIR 2021) pools of 100 candidate
//! judgments per query, graded by experts. Each query's facts are given to
//! [`Engine::similar_to_text`] over a library of all the candidates, every case is ranked, and
//! each pool is scored by NDCG@30 as LeCaRD's `metrics.py` computes it (the pool in the engine's
//! order; gain = the label of a judged candidate, 0 for the others; the ideal from the labels).
//!
//! The data (`queries.jsonl`, `pools.json`, `labels.json`, `candidates.jsonl`, and
//! `baseline_ndcg30.json` with the published runs) is research data kept outside the repository;
//! the candidates are written as case files into a working folder and indexed there.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::{IndexOptions, Library, Progress};
use crate::resources::SchemaFiles;
use crate::search::{Engine, Filters};

/// Depth of the scored ranking.
pub const DEPTH: usize = 30;

/// One query's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LecardQuery {
    /// Query id.
    pub qid: String,
    /// NDCG@30 of anli's ranking.
    pub ndcg30: f64,
    /// NDCG@30 of the published BM25 run on the same pool.
    pub bm25: Option<f64>,
}

/// The mean scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LecardReport {
    /// Queries scored.
    pub queries: usize,
    /// Mean NDCG@30 of anli.
    pub ndcg30: f64,
    /// Mean NDCG@30 of the published BM25 run over the same queries.
    pub bm25: f64,
    /// Mean NDCG@30 of the published LMIR run over the same queries.
    pub lmir: f64,
    /// Per query, in file order.
    pub per_query: Vec<LecardQuery>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

fn json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    serde_json::from_str(&read(path)?).map_err(|e| Error::Resource {
        path: path.to_path_buf(),
        line: e.line(),
        message: format!("JSON 格式错误：{e}"),
    })
}

fn lines(path: &Path) -> Result<Vec<serde_json::Value>> {
    read(path)?
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::Resource {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("不是一行 JSON：{e}"),
            })
        })
        .collect()
}

fn id_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Write the candidates of `data` as case files under `work/corpus`, index them in
/// `work/index` (incrementally: a second run reuses the index), and score the queries — all of
/// them, or the first `queries` with only their pools' candidates (a quicker check).
pub fn evaluate(
    data: &Path,
    work: &Path,
    files: &SchemaFiles,
    queries: Option<usize>,
    progress: &dyn Progress,
) -> Result<LecardReport> {
    let pools: HashMap<String, Vec<serde_json::Value>> = json(&data.join("pools.json"))?;
    let mut asked = lines(&data.join("queries.jsonl"))?;
    if let Some(n) = queries {
        asked.truncate(n);
    }
    let wanted: Option<std::collections::HashSet<String>> = queries.map(|_| {
        asked
            .iter()
            .filter_map(|q| pools.get(&id_string(&q["qid"])))
            .flatten()
            .map(id_string)
            .collect()
    });
    let corpus = work.join("corpus");
    std::fs::create_dir_all(&corpus).map_err(|e| Error::Io {
        path: corpus.clone(),
        source: e,
    })?;
    for c in lines(&data.join("candidates.jsonl"))? {
        let id = id_string(&c["docid"]);
        if wanted.as_ref().is_some_and(|w| !w.contains(&id)) {
            continue;
        }
        let title = c["ajName"]
            .as_str()
            .unwrap_or("")
            .replace(['"', '\\', '\n'], " ");
        let facts = c["ajjbqk"].as_str().unwrap_or("");
        let path = corpus.join(format!("c{id}.md"));
        let text =
            format!("---\nid: c{id}\ntitle: \"{title}\"\n---\n\n# {title}\n\n## 背景\n\n{facts}\n");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            let mut f = std::fs::File::create(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            f.write_all(text.as_bytes()).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
        }
    }
    let library = Library::with_files(&corpus, &work.join("index"), files.clone())?;
    library.index(&IndexOptions::default(), progress)?;
    let engine = Engine::open(&library)?;
    let everything = engine.num_cases() as usize;

    let labels: HashMap<String, HashMap<String, u32>> = json(&data.join("labels.json"))?;
    let published: HashMap<String, HashMap<String, f64>> =
        json(&data.join("baseline_ndcg30.json")).unwrap_or_default();
    let mut report = LecardReport::default();
    for q in asked {
        let qid = id_string(&q["qid"]);
        let (Some(pool), Some(grades)) = (pools.get(&qid), labels.get(&qid)) else {
            continue;
        };
        let facts = q["q"].as_str().unwrap_or("");
        let ranked = engine.similar_to_text(facts, everything.max(1), &Filters::default())?;
        let position: HashMap<&str, usize> = ranked
            .hits
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id.trim_start_matches('c'), i))
            .collect();
        let mut order: Vec<String> = pool.iter().map(id_string).collect();
        order.sort_by_key(|d| position.get(d.as_str()).copied().unwrap_or(usize::MAX));
        let score = ndcg(&order, grades);
        let bm25 = published.get("BM25").and_then(|m| m.get(&qid)).copied();
        let lmir = published.get("LMIR").and_then(|m| m.get(&qid)).copied();
        report.ndcg30 += score;
        report.bm25 += bm25.unwrap_or(0.0);
        report.lmir += lmir.unwrap_or(0.0);
        report.queries += 1;
        report.per_query.push(LecardQuery {
            qid,
            ndcg30: score,
            bm25,
        });
    }
    if report.queries > 0 {
        let n = report.queries as f64;
        report.ndcg30 /= n;
        report.bm25 /= n;
        report.lmir /= n;
    }
    Ok(report)
}

/// NDCG@30 of `order` (candidate ids, best first) given the graded labels.
pub fn ndcg(order: &[String], grades: &HashMap<String, u32>) -> f64 {
    let gain = |i: usize, g: u32| f64::from(g) / ((i + 2) as f64).log2();
    let dcg: f64 = order
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(i, d)| gain(i, grades.get(d).copied().unwrap_or(0)))
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(i, g)| gain(i, *g))
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_falls_with_misplaced_gains() {
        let grades: HashMap<String, u32> = [("a", 3), ("b", 2), ("c", 0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!((ndcg(&ids(&["a", "b", "c", "x"]), &grades) - 1.0).abs() < 1e-12);
        let swapped = ndcg(&ids(&["b", "a"]), &grades);
        assert!(swapped < 1.0 && swapped > 0.8, "{swapped}");
        assert_eq!(ndcg(&ids(&["x", "c"]), &grades), 0.0);
    }
}
