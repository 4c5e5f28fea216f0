//! Browsing without a query: the cases the filters allow (`/?topic=停车管理`,
//! `anli search --topic 停车管理`), newest first, each shown with its summary.

use std::cmp::Reverse;
use std::collections::HashSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, BooleanQuery, Occur};
use tantivy::{DocAddress, Searcher};

use super::rank::{Ranked, Why};
use super::{Engine, Facets, Highlighter, SearchRequest, SearchResults};
use crate::error::{Error, Result};
use crate::index::document::column_terms;

impl Engine {
    /// The cases `req.filters` allow, newest first (then by id), `req.offset` and `req.limit`
    /// applied; facet counts over all of them.
    pub(super) fn browse(
        &self,
        req: &SearchRequest,
        facets: Option<&mut Facets>,
    ) -> Result<SearchResults> {
        let searcher = self.searcher();
        let mut clauses = req.filters.clauses(&self.fields);
        clauses.push((Occur::Must, Box::new(AllQuery)));
        let found: HashSet<DocAddress> = searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)
            .map_err(|e| Error::Stored(e.to_string()))?;
        let mut keyed = sort_keys(&searcher, found)?;
        keyed.sort();
        let docs: Vec<Ranked> = keyed
            .into_iter()
            .map(|(_, _, addr)| Ranked {
                addr,
                score: 0.0,
                why: Why::Listed,
            })
            .collect();
        if let Some(out) = facets {
            *out = self.facets_of(&searcher, &docs, &req.filters)?;
        }
        let page: Vec<Ranked> = docs
            .iter()
            .skip(req.offset)
            .take(req.limit)
            .copied()
            .collect();
        Ok(SearchResults {
            query: String::new(),
            total: docs.len(),
            by_meaning: 0,
            // No highlighter terms: each hit shows its summary.
            hits: self.hits(&searcher, &page, &Highlighter::new(&[]))?,
            topics_guess: Vec::new(),
            mode: req.mode,
            corrected: None,
            suggestions: Vec::new(),
        })
    }
}

/// (newest year first, id, address) of each document: the listing's order.
fn sort_keys(
    searcher: &Searcher,
    docs: HashSet<DocAddress>,
) -> Result<Vec<(Reverse<i64>, String, DocAddress)>> {
    let err = |e: tantivy::TantivyError| Error::Stored(e.to_string());
    let mut out = Vec::with_capacity(docs.len());
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ff = reader.fast_fields();
        let years = ff.i64("year").ok();
        let ids = ff.str("id").map_err(err)?;
        let terms = match &ids {
            Some(ids) => column_terms(ids).map_err(|e| Error::Stored(e.to_string()))?,
            None => Vec::new(),
        };
        for addr in docs.iter().filter(|a| a.segment_ord as usize == ord) {
            let year = years
                .as_ref()
                .and_then(|c| c.first(addr.doc_id))
                .unwrap_or(i64::MIN);
            let id = ids
                .as_ref()
                .and_then(|c| c.ords().first(addr.doc_id))
                .and_then(|o| terms.get(o as usize))
                .cloned()
                .unwrap_or_default();
            out.push((Reverse(year), id, *addr));
        }
    }
    Ok(out)
}
