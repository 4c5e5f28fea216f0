//! From ranked documents to what a user sees: the hits of a page (title, topics, a highlighted
//! snippet from the stored case) and whole cases.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Searcher, Term};

use super::rank::Ranked;
use super::{stored, Engine, Highlighter, Hit};
use crate::case::{Case, SectionKind};
use crate::error::{Error, Result};
use crate::index::document::column_terms;

impl Engine {
    /// The hits of `docs`, with snippets made by `highlighter`.
    pub(super) fn hits(
        &self,
        searcher: &Searcher,
        docs: &[Ranked],
        highlighter: &Highlighter,
    ) -> Result<Vec<Hit>> {
        let mut hits = Vec::with_capacity(docs.len());
        for d in docs {
            // Only what a hit shows: the sections' Markdown is skipped, not copied.
            let hit = self.with_stored(searcher, d.addr, |json| {
                let case: stored::HitDoc<'_> =
                    serde_json::from_str(json).map_err(|e| Error::Stored(e.to_string()))?;
                let sections: Vec<(SectionKind, &str)> = case
                    .sections
                    .iter()
                    .map(|s| (s.kind, s.text.as_ref()))
                    .collect();
                let snippet = highlighter.snippet_of(&sections, case.summary.as_deref());
                Ok(Hit {
                    id: case.id,
                    title: case.title,
                    score: d.score,
                    topics: case.topics,
                    region: case.region,
                    year: case.year,
                    snippet: snippet.html,
                    section: snippet.section,
                    why: d.why,
                })
            })?;
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Read the stored case JSON of a document and hand it to `f`.
    pub(super) fn with_stored<T>(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        f: impl FnOnce(&str) -> Result<T>,
    ) -> Result<T> {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(|e| Error::Stored(e.to_string()))?;
        let json = doc
            .get_first(self.fields.case)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Stored("缺少 case 字段".into()))?;
        f(json)
    }

    fn load(&self, searcher: &Searcher, addr: DocAddress) -> Result<Case> {
        self.with_stored(searcher, addr, |json| {
            serde_json::from_str(json).map_err(|e| Error::Stored(e.to_string()))
        })
    }

    /// Where the case `id` is in `searcher`, if it is indexed.
    pub(super) fn address(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| Error::Stored(e.to_string()))?;
        Ok(top.first().map(|(_, addr)| *addr))
    }

    /// The ids of every indexed case, sorted.
    pub fn case_ids(&self) -> Result<Vec<String>> {
        let searcher = self.searcher();
        let mut out = Vec::new();
        for seg in searcher.segment_readers() {
            let ids = seg
                .fast_fields()
                .str("id")
                .map_err(|e| Error::Stored(e.to_string()))?;
            let Some(ids) = ids else { continue };
            let terms = column_terms(&ids).map_err(|e| Error::Stored(e.to_string()))?;
            for doc in seg.doc_ids_alive() {
                if let Some(id) = ids.ords().first(doc).and_then(|o| terms.get(o as usize)) {
                    out.push(id.clone());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The indexed case with this id.
    pub fn case(&self, id: &str) -> Result<Case> {
        let searcher = self.searcher();
        match self.address(&searcher, id)? {
            Some(addr) => self.load(&searcher, addr),
            None => Err(Error::CaseNotFound(id.to_string())),
        }
    }
}
