//! Searches that forgive: a query typed in pinyin or with a homophone typo is offered as — and,
//! when the literal query finds (next to) nothing, searched as — the library's own words.
//!
//! - [`pinyin`]: `tingche` → 停车, from the library's vocabulary by reading.
//! - [`typo`]: `加装电悌` → 加装电梯, a homophone of a word the library uses often.
//!
//! Traditional characters need nothing here: the analyzer folds them (`停車難` is `停车难`).

pub mod pinyin;
pub mod typo;

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::index::SegmentId;
use tantivy::Searcher;

use crate::analysis::Analyzer;
use crate::schema::Fields;
use pinyin::Vocabulary;

/// Why another query is offered or was searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// The query was typed in pinyin.
    Pinyin,
    /// A word of the query is a homophone typo of a word the library uses.
    Typo,
}

/// Another query than the one typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    /// The query offered or searched.
    pub query: String,
    /// Why.
    pub reason: Reason,
}

/// The library's vocabulary by reading, built on the first pinyin query and kept while the
/// index's segments stay the same.
#[derive(Debug, Default)]
pub struct VocabularyCache {
    current: Mutex<Option<(Vec<SegmentId>, Arc<Vocabulary>)>>,
}

impl VocabularyCache {
    /// The vocabulary of `searcher`'s segments.
    pub fn get(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        analyzer: &Analyzer,
    ) -> Arc<Vocabulary> {
        let ids: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        if let Ok(guard) = self.current.lock() {
            if let Some((seen, v)) = guard.as_ref() {
                if *seen == ids {
                    return Arc::clone(v);
                }
            }
        }
        let started = std::time::Instant::now();
        let v = Arc::new(Vocabulary::build(searcher, fields, analyzer));
        tracing::debug!(readings = v.len(), elapsed = ?started.elapsed(), "pinyin vocabulary");
        if let Ok(mut guard) = self.current.lock() {
            *guard = Some((ids, Arc::clone(&v)));
        }
        v
    }
}

/// The query the library would understand better than `query`, if there is one: its pinyin
/// spelled in the library's words, or its typos corrected.
pub fn alternative(
    query: &str,
    analyzer: &Analyzer,
    searcher: &Searcher,
    fields: &Fields,
    vocabulary: &VocabularyCache,
) -> Option<Alternative> {
    if let Some(letters) = pinyin::letters(query) {
        let spelled = vocabulary.get(searcher, fields, analyzer).spell(&letters)?;
        return Some(Alternative {
            query: spelled,
            reason: Reason::Pinyin,
        });
    }
    typo::correct(query, analyzer, searcher, fields).map(|q| Alternative {
        query: q,
        reason: Reason::Typo,
    })
}
