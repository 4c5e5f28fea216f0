//! Ranking quality on a judged query set: nDCG@10, P@5, MRR and recall@20.
//!
//! Queries are `qid<TAB>query` lines; judgments are TREC qrels, `qid 0 docid grade` with grades
//! 0–2. Every query runs through [`Engine::search`], the same path as `anli search`.

pub mod lecard;
pub mod similar;
pub mod topics;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::search::{Engine, Filters, SearchMode, SearchRequest};

/// Depth of the ranking that is evaluated (recall@20 needs 20).
pub const DEPTH: usize = 20;

/// A judged query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedQuery {
    /// Query id.
    pub qid: String,
    /// Query text.
    pub text: String,
}

/// Graded judgments: qid → case id → grade.
pub type Qrels = HashMap<String, HashMap<String, u8>>;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// Read a `qid<TAB>query` file.
pub fn read_queries(path: &Path) -> Result<Vec<JudgedQuery>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (qid, q) = line.split_once('\t').ok_or_else(|| Error::Resource {
            path: path.to_path_buf(),
            line: i + 1,
            message: "每行应为“编号<Tab>查询”".into(),
        })?;
        out.push(JudgedQuery {
            qid: qid.trim().to_string(),
            text: q.trim().to_string(),
        });
    }
    Ok(out)
}

/// Read a TREC qrels file.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let text = read(path)?;
    let mut out: Qrels = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || Error::Resource {
            path: path.to_path_buf(),
            line: i + 1,
            message: "每行应为“查询编号 0 案例编号 等级(0–2)”".into(),
        };
        if parts.len() != 4 {
            return Err(bad());
        }
        let grade: u8 = parts[3].parse().map_err(|_| bad())?;
        if grade > 2 {
            return Err(bad());
        }
        out.entry(parts[0].to_string())
            .or_default()
            .insert(parts[2].to_string(), grade);
    }
    Ok(out)
}

/// Scores of one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryScore {
    /// Query id.
    pub qid: String,
    /// Query text.
    pub query: String,
    /// nDCG@10 with gains 2^grade − 1.
    pub ndcg10: f64,
    /// Share of the top 5 that is relevant (grade ≥ 1).
    pub p5: f64,
    /// 1 / rank of the first relevant case (0 when none in the top 20).
    pub rr: f64,
    /// Share of the relevant cases found in the top 20.
    pub recall20: f64,
    /// Number of relevant cases judged.
    pub relevant: usize,
    /// The top 10 ids returned.
    pub top: Vec<String>,
}

/// Mean scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Means {
    /// Mean nDCG@10.
    pub ndcg10: f64,
    /// Mean P@5.
    pub p5: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Mean recall@20.
    pub recall20: f64,
    /// Queries evaluated.
    pub queries: usize,
}

/// The evaluation: overall, by query kind, and per query (worst nDCG first).
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// How the queries were ranked.
    pub mode: SearchMode,
    /// All queries.
    pub overall: Means,
    /// Short keyword queries (≤ 8 characters).
    pub keyword: Means,
    /// Longer problem descriptions.
    pub description: Means,
    /// Per query, worst first.
    pub queries: Vec<QueryScore>,
    /// Queries without any relevant judgment (not scored).
    pub unjudged: Vec<String>,
}

/// Score one ranking against the grades of its query.
pub fn score(ranking: &[String], grades: &HashMap<String, u8>) -> (f64, f64, f64, f64) {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranking
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| gain(*grades.get(id).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    let relevant = |id: &String| grades.get(id).is_some_and(|g| *g > 0);
    let p5 = ranking.iter().take(5).filter(|id| relevant(id)).count() as f64 / 5.0;
    let rr = ranking
        .iter()
        .take(DEPTH)
        .position(relevant)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    let total = ideal.len();
    let recall = if total == 0 {
        0.0
    } else {
        ranking.iter().take(DEPTH).filter(|id| relevant(id)).count() as f64 / total as f64
    };
    let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };
    (ndcg, p5, rr, recall)
}

fn means<'a>(scores: impl Iterator<Item = &'a QueryScore>) -> Means {
    let mut m = Means::default();
    for s in scores {
        m.ndcg10 += s.ndcg10;
        m.p5 += s.p5;
        m.mrr += s.rr;
        m.recall20 += s.recall20;
        m.queries += 1;
    }
    if m.queries > 0 {
        let n = m.queries as f64;
        m.ndcg10 /= n;
        m.p5 /= n;
        m.mrr /= n;
        m.recall20 /= n;
    }
    m
}

/// Whether a query counts as a short keyword query.
pub fn is_keyword(query: &str) -> bool {
    query.chars().count() <= 8
}

/// Run every judged query, ranked by `mode`, and score it.
pub fn evaluate(
    engine: &Engine,
    queries: &[JudgedQuery],
    qrels: &Qrels,
    mode: SearchMode,
) -> Result<EvalReport> {
    let empty = HashMap::new();
    let mut scored = Vec::new();
    let mut unjudged = Vec::new();
    for q in queries {
        let grades = qrels.get(&q.qid).unwrap_or(&empty);
        if !grades.values().any(|g| *g > 0) {
            unjudged.push(q.qid.clone());
            continue;
        }
        let results = engine.search(&SearchRequest {
            query: q.text.clone(),
            limit: DEPTH,
            offset: 0,
            filters: Filters::default(),
            mode,
            literal: false,
        })?;
        let ranking: Vec<String> = results.hits.into_iter().map(|h| h.id).collect();
        let (ndcg10, p5, rr, recall20) = score(&ranking, grades);
        scored.push(QueryScore {
            qid: q.qid.clone(),
            query: q.text.clone(),
            ndcg10,
            p5,
            rr,
            recall20,
            relevant: grades.values().filter(|g| **g > 0).count(),
            top: ranking.into_iter().take(10).collect(),
        });
    }
    scored.sort_by(|a, b| a.ndcg10.total_cmp(&b.ndcg10).then(a.qid.cmp(&b.qid)));
    Ok(EvalReport {
        mode,
        overall: means(scored.iter()),
        keyword: means(scored.iter().filter(|s| is_keyword(&s.query))),
        description: means(scored.iter().filter(|s| !is_keyword(&s.query))),
        queries: scored,
        unjudged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_empty_rankings() {
        let grades: HashMap<String, u8> = [("a", 2), ("b", 1), ("c", 0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (ndcg, p5, rr, recall) = score(&ids(&["a", "b", "c"]), &grades);
        assert!((ndcg - 1.0).abs() < 1e-9);
        assert!((p5 - 0.4).abs() < 1e-9);
        assert_eq!(rr, 1.0);
        assert_eq!(recall, 1.0);
        let (ndcg, p5, rr, recall) = score(&ids(&["c", "x"]), &grades);
        assert_eq!((ndcg, p5, rr, recall), (0.0, 0.0, 0.0, 0.0));
        // Swapping the two relevant cases costs a little, not everything.
        let (ndcg, _, rr, _) = score(&ids(&["b", "a"]), &grades);
        assert!(ndcg > 0.7 && ndcg < 1.0, "{ndcg}");
        assert_eq!(rr, 1.0);
        let (_, _, rr, _) = score(&ids(&["c", "x", "b"]), &grades);
        assert!((rr - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn qrels_lines_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("qrels.txt");
        std::fs::write(&p, "q1 0 a 2\nq1 0 b 1\n").unwrap();
        let q = read_qrels(&p).unwrap();
        assert_eq!(q["q1"]["a"], 2);
        std::fs::write(&p, "q1 0 a 3\n").unwrap();
        assert!(matches!(
            read_qrels(&p),
            Err(Error::Resource { line: 1, .. })
        ));
    }
}
