//! One ranking for every way of searching: by keywords (BM25 over the text fields), by meaning
//! (cosine between the query's vector and each case's), or both fused ([`super::fusion`]), with
//! the filters applied to both sides and one result set that the page, the total and the facet
//! counts all describe.

use std::collections::HashSet;

use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::docset::{DocSet, InSet};
use super::fusion::{self, TopicGuess};
use super::segments::{rank_all, SegmentData, Slot};
use super::{facets, Engine, Facets, Filters};
use crate::error::{Error, Result};

/// Why a case is in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Why {
    /// It shares the query's words.
    Words,
    /// It says something similar in other words (「意思相近」).
    Meaning,
    /// Both.
    Both,
    /// It is listed by the filters alone (no query).
    Listed,
}

/// What to rank by.
pub(super) struct RankBy<'a> {
    /// The keyword ranking ([`Engine::keyword_ranking`]), if any.
    pub keyword: Option<Vec<(DocAddress, f32)>>,
    /// The query's vector and the case vector to compare it with, if any.
    pub meaning: Option<(&'a [f32], Slot)>,
    /// A case to leave out (the one similar cases are asked for).
    pub exclude: Option<&'a str>,
    /// Lift the cases of the guessed topics (fused rankings).
    pub lift: bool,
    /// The topics, main topic first, when they are known rather than guessed (the case whose
    /// similar cases are asked for).
    pub topics: Option<&'a [String]>,
    /// How the two sides are fused.
    pub weights: fusion::Weights,
}

/// One case of a ranking.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranked {
    pub addr: DocAddress,
    pub score: f32,
    pub why: Why,
}

/// A whole ranking, best first, and the topic guess made from it.
pub(super) struct Ranking {
    pub docs: Vec<Ranked>,
    pub guess: TopicGuess,
}

impl Engine {
    /// Every case matching `query` (without filters), but `exclude`, by BM25, best first.
    pub(super) fn keyword_ranking(
        &self,
        searcher: &Searcher,
        query: Box<dyn Query>,
        exclude: Option<&str>,
    ) -> Result<Vec<(DocAddress, f32)>> {
        let mut c: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if let Some(id) = exclude {
            c.push((Occur::MustNot, self.id_query(id)));
        }
        let all = searcher.num_docs().max(1) as usize;
        Ok(searcher
            .search(
                &BooleanQuery::new(c),
                &TopDocs::with_limit(all).order_by_score(),
            )
            .map_err(|e| Error::Stored(e.to_string()))?
            .into_iter()
            .map(|(s, a)| (a, s))
            .collect())
    }

    fn id_query(&self, id: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        ))
    }

    /// Rank every case that matches `r`, then keep those `filters` allow. What matches does
    /// not depend on the filters (each side is scaled by its best score over all cases), so a
    /// facet's count is exactly what choosing that facet will find.
    pub(super) fn rank(
        &self,
        searcher: &Searcher,
        r: RankBy<'_>,
        filters: &Filters,
    ) -> Result<Ranking> {
        let err = |e: tantivy::TantivyError| Error::Stored(e.to_string());
        let keyword_used = r.keyword.is_some();
        let keyword = r.keyword.unwrap_or_default();
        let meaning: Vec<(DocAddress, f32)> = match r.meaning {
            Some((vector, slot)) => {
                let segments = self.segments.segments(searcher)?;
                let excluded: HashSet<DocAddress> = match r.exclude {
                    Some(id) => searcher
                        .search(self.id_query(id).as_ref(), &DocSetCollector)
                        .map_err(err)?,
                    None => HashSet::new(),
                };
                rank_all(searcher, &segments, slot, vector, |a| {
                    !excluded.contains(&a)
                })
            }
            None => Vec::new(),
        };

        let data = self.segments.segments(searcher)?;
        let topics = DocTopics(&data);
        let mut docs: Vec<Ranked> = match (keyword_used, meaning.is_empty()) {
            // Keywords alone: every match, by BM25.
            (true, true) => keyword
                .iter()
                .map(|(addr, s)| Ranked {
                    addr: *addr,
                    score: *s,
                    why: Why::Words,
                })
                .collect(),
            // Meaning alone: the cases near in meaning, by cosine.
            (false, _) => {
                let near = fusion::fuse(&[], &meaning, r.weights);
                let mut docs: Vec<Ranked> = meaning
                    .iter()
                    .filter(|(a, _)| near.get(a).is_some_and(|f| f.near))
                    .map(|(addr, c)| Ranked {
                        addr: *addr,
                        score: *c,
                        why: Why::Meaning,
                    })
                    .collect();
                docs.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr)));
                docs
            }
            (true, false) => {
                let fused = fusion::fuse(&keyword, &meaning, r.weights);
                let mut docs: Vec<(Ranked, fusion::Fused)> = fused
                    .iter()
                    .filter(|(_, f)| f.matched)
                    .map(|(addr, f)| {
                        let why = match (f.shares_words, f.near) {
                            (true, true) => Why::Both,
                            (false, true) => Why::Meaning,
                            _ => Why::Words,
                        };
                        let ranked = Ranked {
                            addr: *addr,
                            score: f.score as f32,
                            why,
                        };
                        (ranked, *f)
                    })
                    .collect();
                sort(&mut docs);
                docs.into_iter().map(|(d, _)| d).collect()
            }
        };
        let guess = match r.topics {
            Some(known) => TopicGuess::known(known),
            None => TopicGuess::vote(
                docs.iter()
                    .take(fusion::VOTE_DEPTH)
                    .map(|d| topics.main(d.addr)),
            ),
        };
        if r.lift {
            for d in &mut docs {
                d.score += guess.lift(topics.all(d.addr)) as f32;
            }
            docs.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr)));
        }
        let clauses = filters.clauses(&self.fields);
        if !clauses.is_empty() {
            let mut c = clauses;
            c.push((Occur::Must, Box::new(AllQuery)));
            let allowed: HashSet<DocAddress> = searcher
                .search(&BooleanQuery::new(c), &DocSetCollector)
                .map_err(err)?;
            docs.retain(|d| allowed.contains(&d.addr));
        }
        Ok(Ranking { docs, guess })
    }

    /// Facet counts over the documents of a ranking.
    pub(super) fn facets_of(
        &self,
        searcher: &Searcher,
        docs: &[Ranked],
        filters: &Filters,
    ) -> Result<Facets> {
        let set: DocSet = docs.iter().map(|d| d.addr).collect();
        let region: Vec<&str> = filters
            .region
            .as_deref()
            .map(crate::case::region_segments)
            .unwrap_or_default();
        let collector = InSet {
            set: &set,
            inner: (
                facets::facet_collector("topic", &[]),
                facets::facet_collector("region", &region),
                facets::YearCounts,
                facets::facet_collector("kind", &[]),
            ),
        };
        let (topics, regions, years, kinds) = searcher
            .search(&AllQuery, &collector)
            .map_err(|e| Error::Stored(e.to_string()))?;
        Ok(Facets {
            topic: facets::counts(&topics, &[]),
            region: facets::counts(&regions, &region),
            year: facets::year_counts(years),
            kind: facets::counts(&kinds, &[]),
        })
    }
}

/// The topics of each document of a searcher's segments.
struct DocTopics<'a>(&'a [std::sync::Arc<SegmentData>]);

impl DocTopics<'_> {
    fn main(&self, addr: DocAddress) -> &str {
        self.0
            .get(addr.segment_ord as usize)
            .and_then(|s| s.topics.of(addr.doc_id).next())
            .unwrap_or("")
    }

    fn all(&self, addr: DocAddress) -> impl Iterator<Item = &str> {
        self.0
            .get(addr.segment_ord as usize)
            .into_iter()
            .flat_map(move |s| s.topics.of(addr.doc_id))
    }
}

/// Best first; equal scores by document address, so a ranking never depends on hash order.
fn sort(docs: &mut [(Ranked, fusion::Fused)]) {
    docs.sort_by(|a, b| {
        b.0.score
            .total_cmp(&a.0.score)
            .then(a.0.addr.cmp(&b.0.addr))
    });
}
