//! A check of similar cases on the library itself: a case's most similar cases should share its
//! main topic (a case on 停车管理 is most like other parking cases). Reports, over every case that
//! has a topic, the share of its first similar case, and of its first [`DEPTH`], whose main topic
//! is its own.

use serde::Serialize;

use crate::error::Result;
use crate::search::{Engine, Filters};

/// How many similar cases of each case are checked.
pub const DEPTH: usize = 5;

/// The shares.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimilarReport {
    /// Cases checked (those with at least one topic).
    pub cases: usize,
    /// Share of cases whose most similar case has the same main topic.
    pub first: f64,
    /// Share of the first [`DEPTH`] similar cases (over all cases) with the same main topic.
    pub top: f64,
    /// Cases whose most similar case has another main topic: (case, that case).
    pub misses: Vec<(String, String)>,
}

/// Ask every case for its similar cases and count how many share its main topic.
pub fn evaluate(engine: &Engine) -> Result<SimilarReport> {
    let mut report = SimilarReport::default();
    let (mut first, mut top, mut seen) = (0usize, 0usize, 0usize);
    for id in engine.case_ids()? {
        let case = engine.case(&id)?;
        let Some(main) = case.meta.topics.first() else {
            continue;
        };
        let similar = engine.similar_to_case(&id, DEPTH, &Filters::default())?;
        report.cases += 1;
        for (i, hit) in similar.hits.iter().enumerate() {
            let same = hit.topics.first() == Some(main);
            if same {
                top += 1;
                if i == 0 {
                    first += 1;
                }
            } else if i == 0 {
                report.misses.push((id.clone(), hit.id.clone()));
            }
            seen += 1;
        }
    }
    if report.cases > 0 {
        report.first = first as f64 / report.cases as f64;
    }
    if seen > 0 {
        report.top = top as f64 / seen as f64;
    }
    Ok(report)
}
