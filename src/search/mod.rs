//! Ranked search and similar cases over the index. Knows nothing of HTTP.

mod check;
pub mod facets;
pub mod query;
pub mod snippet;
mod stored;
pub mod synonyms;

use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, Term};

pub use facets::{FacetCount, Facets};
pub use query::{Filters, QueryPlan};
pub use snippet::{Highlighter, Snippet};
pub use synonyms::Synonyms;

pub use crate::error::QueryError;

use crate::analysis::{Analyzer, Mode};
use crate::case::{Case, SectionKind};
use crate::error::{Error, Result};
use crate::index::{IndexMeta, Library};
use crate::schema::Fields;
use crate::topics::Topics;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Longest query the service and packet creation accept, in characters (a longer text is a
/// description: see [`Engine::similar_to_text`]).
pub const MAX_QUERY_CHARS: usize = 2000;
/// Texts up to this many characters are treated as a query by [`Engine::similar_to_text`].
pub const SHORT_TEXT_CHARS: usize = 400;
/// Terms kept from a text when looking for similar cases.
pub const SIMILAR_TERMS: usize = 30;

/// A search request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the user typed: a keyword or a whole description.
    pub query: String,
    /// Hits to return (1..=[`MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip (paging).
    pub offset: usize,
    pub filters: Filters,
}

/// One ranked case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// Relevance score (higher is better; comparable within one result list).
    pub score: f32,
    pub topics: Vec<String>,
    /// Region, `省/市/区`.
    pub region: Option<String>,
    pub year: Option<i64>,
    /// HTML-escaped passage with `<em>` around matches.
    pub snippet: String,
    /// Where the snippet came from (`measures` = 做法), serialized as its name.
    pub section: SectionKind,
}

/// A ranked result list. Serializes to the `--json` shape other tools depend on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Number of matching cases (all pages).
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
}

/// An open index ready to answer searches. Cheap to share: one per process.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: Arc<Analyzer>,
    synonyms: Synonyms,
    topics: Topics,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Open the library's index (it must exist) and read the synonyms.
    pub fn open(library: &Library) -> Result<Engine> {
        let index = library.open_index()?;
        let fields =
            Fields::from_schema(&index.schema()).map_err(|e| Error::index(&library.index, e))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| Error::index(&library.index, e))?;
        Ok(Engine {
            index,
            reader,
            fields,
            analyzer: Arc::clone(&library.analyzer),
            synonyms: Synonyms::parse(&library.files.synonyms)?,
            topics: library.topics.clone(),
        })
    }

    /// The current searcher (reloads after commits by itself).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Reload now instead of waiting for the file watcher.
    pub fn reload(&self) -> Result<()> {
        self.reader
            .reload()
            .map_err(|e| Error::Stored(e.to_string()))
    }

    /// The topic vocabulary.
    pub fn topics(&self) -> &Topics {
        &self.topics
    }

    /// What the last commit recorded.
    pub fn meta(&self) -> IndexMeta {
        IndexMeta::read(&self.index)
    }

    /// Number of cases in the index.
    pub fn num_cases(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Analyze a query (for `--explain` style output and tests).
    pub fn plan(&self, text: &str) -> QueryPlan {
        QueryPlan::build(text, &self.analyzer, &self.synonyms, &self.topics)
    }

    /// Ranked search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        self.search_inner(req, None)
    }

    /// Ranked search plus facet counts (topic, region, year) over the whole result set.
    pub fn search_with_facets(&self, req: &SearchRequest) -> Result<(SearchResults, Facets)> {
        let mut facets = Facets::default();
        let results = self.search_inner(req, Some(&mut facets))?;
        Ok((results, facets))
    }

    fn search_inner(
        &self,
        req: &SearchRequest,
        facets: Option<&mut Facets>,
    ) -> Result<SearchResults> {
        self.check(req.limit, &req.filters)?;
        if req.query.trim().is_empty() {
            return Err(QueryError::Empty.into());
        }
        let plan = self.plan(&req.query);
        if plan.is_empty() {
            return Err(QueryError::NoTerms.into());
        }
        let searcher = self.searcher();
        let query = plan.to_query(&self.fields, &searcher);
        let highlighter = Highlighter::new(&plan.highlight_terms());
        self.run(
            &searcher,
            query,
            req,
            &req.query,
            &highlighter,
            None,
            facets,
        )
    }

    /// Topics with the number of cases listing each, in vocabulary order.
    pub fn topic_counts(&self) -> Result<Vec<FacetCount>> {
        let searcher = self.searcher();
        let fc = searcher
            .search(
                &tantivy::query::AllQuery,
                &facets::facet_collector("topic", &[]),
            )
            .map_err(|e| Error::Stored(e.to_string()))?;
        let counts = facets::counts(&fc, &[]);
        Ok(self
            .topics
            .names()
            .map(|t| FacetCount {
                value: t.to_string(),
                count: counts.iter().find(|c| c.value == t).map_or(0, |c| c.count),
            })
            .collect())
    }

    /// Cases similar to the case `id` (more-like-this over its text), excluding itself.
    pub fn similar_to_case(
        &self,
        id: &str,
        limit: usize,
        filters: &Filters,
    ) -> Result<SearchResults> {
        self.check(limit, filters)?;
        let case = self.case(id)?;
        let mut text = case.full_text();
        for t in case.meta.tags.iter().chain(&case.meta.topics) {
            text.push('\n');
            text.push_str(t);
        }
        let searcher = self.searcher();
        let terms = self.significant_terms(&searcher, &text);
        let mut clauses = vec![(Occur::Should, self.weighted_terms_query(&terms))];
        for t in &case.meta.topics {
            clauses.push((Occur::Should, query::topic_boost(&self.fields, t, 1.0)));
        }
        let query = Box::new(BooleanQuery::new(clauses));
        let highlighter = Highlighter::new(&terms);
        let req = SearchRequest {
            query: id.to_string(),
            limit,
            offset: 0,
            filters: filters.clone(),
        };
        self.run(&searcher, query, &req, id, &highlighter, Some(id), None)
    }

    /// Cases similar to a described problem (free text, a paragraph or a whole case).
    pub fn similar_to_text(
        &self,
        text: &str,
        limit: usize,
        filters: &Filters,
    ) -> Result<SearchResults> {
        self.check(limit, filters)?;
        if text.trim().is_empty() {
            return Err(QueryError::Empty.into());
        }
        let searcher = self.searcher();
        // A described problem of a few sentences is searched like a query (synonyms, topic
        // aliases); a long text (a whole case) by its most distinctive words.
        let (query, highlighter): (Box<dyn Query>, Highlighter) =
            if text.chars().count() <= SHORT_TEXT_CHARS {
                let plan = self.plan(text);
                if plan.is_empty() {
                    return Err(QueryError::NoSimilarTerms.into());
                }
                (
                    plan.to_query(&self.fields, &searcher),
                    Highlighter::new(&plan.highlight_terms()),
                )
            } else {
                let terms = self.significant_terms(&searcher, text);
                if terms.is_empty() {
                    return Err(QueryError::NoSimilarTerms.into());
                }
                (self.weighted_terms_query(&terms), Highlighter::new(&terms))
            };
        let req = SearchRequest {
            query: text.to_string(),
            limit,
            offset: 0,
            filters: filters.clone(),
        };
        self.run(&searcher, query, &req, text, &highlighter, None, None)
    }

    /// The most distinctive words of `text` by tf·idf against the index, with weights in (0, 1].
    pub fn significant_terms(&self, searcher: &Searcher, text: &str) -> Vec<(String, f32)> {
        let words = self.analyzer.words(text, Mode::Query);
        let counts = query::term_counts(&words);
        let n = searcher.num_docs().max(1) as f32;
        let mut scored: Vec<(String, f32)> = counts
            .into_iter()
            .filter(|(w, _)| w.chars().count() >= 2)
            .filter_map(|(w, tf)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, w))
                    .unwrap_or(0) as f32;
                if df == 0.0 || df / n > query::COMMON_UNIT_SHARE {
                    return None;
                }
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                Some((w.to_string(), (1.0 + (tf as f32).ln()) * idf))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(SIMILAR_TERMS);
        let top = scored.first().map_or(1.0, |t| t.1);
        for t in &mut scored {
            t.1 /= top;
        }
        scored
    }

    fn weighted_terms_query(&self, terms: &[(String, f32)]) -> Box<dyn Query> {
        let clauses = terms
            .iter()
            .map(|(t, w)| {
                let per_field: Vec<Box<dyn Query>> = self
                    .fields
                    .weighted_text()
                    .into_iter()
                    .map(|(f, b)| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(f, t),
                            IndexRecordOption::WithFreqs,
                        ));
                        Box::new(tantivy::query::BoostQuery::new(q, b)) as Box<dyn Query>
                    })
                    .collect();
                let q: Box<dyn Query> = Box::new(tantivy::query::BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        per_field,
                        query::TIE_BREAKER,
                    )),
                    *w,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        searcher: &Searcher,
        scoring: Box<dyn Query>,
        req: &SearchRequest,
        shown_query: &str,
        highlighter: &Highlighter,
        exclude: Option<&str>,
        facets: Option<&mut Facets>,
    ) -> Result<SearchResults> {
        let mut clauses = req.filters.clauses(&self.fields);
        clauses.push((Occur::Must, scoring));
        if let Some(id) = exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.id, id),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let collector = (
            TopDocs::with_limit(req.limit)
                .and_offset(req.offset)
                .order_by_score(),
            Count,
        );
        let (top, total) = match facets {
            None => searcher
                .search(&query, &collector)
                .map_err(|e| Error::Stored(e.to_string()))?,
            Some(out) => {
                let region: Vec<&str> = req
                    .filters
                    .region
                    .as_deref()
                    .map(crate::case::region_segments)
                    .unwrap_or_default();
                let all = (
                    collector,
                    (
                        facets::facet_collector("topic", &[]),
                        facets::facet_collector("region", &region),
                        facets::YearCounts,
                    ),
                );
                let ((top, total), (topics, regions, years)) = searcher
                    .search(&query, &all)
                    .map_err(|e| Error::Stored(e.to_string()))?;
                out.topic = facets::counts(&topics, &[]);
                out.region = facets::counts(&regions, &region);
                out.year = facets::year_counts(years);
                (top, total)
            }
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            // Only what a hit shows: the sections' Markdown is skipped, not copied.
            let hit = self.with_stored(searcher, addr, |json| {
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
                    score,
                    topics: case.topics,
                    region: case.region,
                    year: case.year,
                    snippet: snippet.html,
                    section: snippet.section,
                })
            })?;
            hits.push(hit);
        }
        Ok(SearchResults {
            query: shown_query.to_string(),
            total,
            hits,
        })
    }

    /// Read the stored case JSON of a document and hand it to `f`.
    fn with_stored<T>(
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

    /// The indexed case with this id.
    pub fn case(&self, id: &str) -> Result<Case> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| Error::Stored(e.to_string()))?;
        match top.first() {
            Some((_, addr)) => self.load(&searcher, *addr),
            None => Err(Error::CaseNotFound(id.to_string())),
        }
    }
}
