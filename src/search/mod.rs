//! Ranked search and similar cases over the index. Knows nothing of HTTP.
//!
//! A search ranks by keywords, by meaning or by both ([`SearchMode`]; both by default): the
//! keyword side is [`query`]'s BM25 query, the meaning side the cosine between the query's
//! vector ([`crate::embed`]) and each case's, and [`rank`] fuses them ([`fusion`]) into one
//! result set that the page, the total and the facets all describe.

mod browse;
mod check;
mod docset;
pub mod facets;
pub mod filters;
pub mod forgive;
pub mod fusion;
mod hits;
pub mod query;
pub mod qvec;
pub mod rank;
pub mod segments;
mod similar;
pub mod snippet;
mod stored;
pub mod synonyms;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

pub use facets::{FacetCount, Facets};
pub use filters::{parse_kind, Filters};
pub use forgive::{Alternative, Reason};
pub use query::QueryPlan;
pub use rank::Why;
pub use snippet::{Highlighter, Snippet};
pub use synonyms::Synonyms;

pub use crate::error::QueryError;

use crate::analysis::Analyzer;
use crate::case::SectionKind;
use crate::error::{Error, Result};
use crate::index::{IndexMeta, Library};
use crate::schema::Fields;
use crate::topics::Topics;
use rank::RankBy;
use segments::{SegmentCache, Slot};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Longest query the service and packet creation accept, in characters (a longer text is a
/// description: see [`Engine::similar_to_text`]).
pub const MAX_QUERY_CHARS: usize = 2000;
/// Texts up to this many characters (a problem told in two or three sentences) are searched as a
/// query by [`Engine::similar_to_text`]; longer ones by all their words and their meaning.
pub const SHORT_TEXT_CHARS: usize = 100;

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
    /// How to rank.
    pub mode: SearchMode,
    /// Search exactly what was typed: no pinyin spelled in characters, no typo corrected.
    pub literal: bool,
}

/// How a search ranks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    /// By the words the cases share with the query (BM25, synonyms, topic aliases).
    Keyword,
    /// By what the query means (cosine of sentence vectors), whatever the words.
    Meaning,
    /// Both, fused, with the cases of the problem's likely topics lifted.
    #[default]
    Hybrid,
}

impl SearchMode {
    /// The name used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchMode::Keyword => "keyword",
            SearchMode::Meaning => "meaning",
            SearchMode::Hybrid => "hybrid",
        }
    }

    /// Every mode, keyword first.
    pub const ALL: [SearchMode; 3] = [SearchMode::Keyword, SearchMode::Meaning, SearchMode::Hybrid];
}

impl std::str::FromStr for SearchMode {
    type Err = QueryError;

    fn from_str(s: &str) -> Result<SearchMode, QueryError> {
        match s {
            "keyword" => Ok(SearchMode::Keyword),
            "meaning" => Ok(SearchMode::Meaning),
            "hybrid" => Ok(SearchMode::Hybrid),
            other => Err(QueryError::Mode {
                mode: other.to_string(),
            }),
        }
    }
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
    /// Why it is here: shared words, similar meaning, or both.
    pub why: Why,
}

/// A ranked result list. Serializes to the `--json` shape other tools depend on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given (empty for a listing of cases by filters alone).
    pub query: String,
    /// Number of matching cases (all pages).
    pub total: usize,
    /// How many of them came in by meaning alone (「意思相近」), sharing few of the query's
    /// words.
    pub by_meaning: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// The topics the problem likely belongs to, likeliest first (guessed from the ranking).
    pub topics_guess: Vec<String>,
    /// How the results were ranked.
    pub mode: SearchMode,
    /// What was searched instead of the query as typed, which found next to nothing (its pinyin
    /// in the library's words, a typo corrected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Alternative>,
    /// Queries offered but not searched (“你要找的是不是：…”).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Alternative>,
}

/// An open index ready to answer searches. Cheap to share: one per process.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: Arc<Analyzer>,
    synonyms: Synonyms,
    topics: Topics,
    segments: SegmentCache,
    queries: qvec::QueryVectors,
    vocabulary: forgive::VocabularyCache,
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
            segments: SegmentCache::default(),
            queries: qvec::QueryVectors::default(),
            vocabulary: forgive::VocabularyCache::default(),
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

    /// The topics `text` most likely belongs to: the hybrid ranking's guess (see
    /// [`SearchResults::topics_guess`]); none when it cannot be searched (an empty text).
    pub fn guess_topics(&self, text: &str) -> Vec<String> {
        let req = SearchRequest {
            query: text.to_string(),
            limit: 10,
            mode: SearchMode::Hybrid,
            ..SearchRequest::default()
        };
        self.search(&req)
            .map(|r| r.topics_guess)
            .unwrap_or_default()
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
        self.search_checked(req, facets)
    }

    /// [`Self::search_inner`] for a request whose limit is already checked.
    ///
    /// Without a query, the filters alone list their cases, newest first ([`Self::browse`]).
    /// A query that finds next to nothing as typed — pinyin no case contains, a word with a
    /// homophone typo — is searched as the library's words instead ([`forgive`]), and says so in
    /// [`SearchResults::corrected`]; otherwise such a query is only offered
    /// ([`SearchResults::suggestions`]).
    pub(super) fn search_checked(
        &self,
        req: &SearchRequest,
        facets: Option<&mut Facets>,
    ) -> Result<SearchResults> {
        if req.query.trim().is_empty() {
            if req.filters.is_empty() {
                return Err(QueryError::Empty.into());
            }
            return self.browse(req, facets);
        }
        let searcher = self.searcher();
        let (mut results, ranking, keyword) = self.search_as(&searcher, req, &req.query)?;
        let alternative = (!req.literal)
            .then(|| {
                forgive::alternative(
                    &req.query,
                    &self.analyzer,
                    &searcher,
                    &self.fields,
                    &self.vocabulary,
                )
            })
            .flatten()
            .filter(|a| a.query != req.query);
        let mut chosen = ranking;
        if let Some(alt) = alternative {
            // Pinyin that some case contains as typed (a name, an English word) is only offered;
            // a typo's word is in no case, so the query as typed finds little by definition.
            let little = match alt.reason {
                forgive::Reason::Pinyin => keyword == 0,
                forgive::Reason::Typo => true,
            } || results.total == 0;
            let mut taken = false;
            if little {
                let (mut other, other_ranking, other_keyword) =
                    self.search_as(&searcher, req, &alt.query)?;
                if other_keyword > 0 || (results.total == 0 && other.total > 0) {
                    other.query = req.query.clone();
                    other.corrected = Some(alt.clone());
                    results = other;
                    chosen = other_ranking;
                    taken = true;
                }
            }
            if !taken {
                results.suggestions.push(alt);
            }
        }
        if let Some(out) = facets {
            *out = self.facets_of(&searcher, &chosen, &req.filters)?;
        }
        Ok(results)
    }

    /// Search `query` as `req` asks: the results' page, the whole ranking, and how many cases
    /// matched by keywords (before the filters).
    fn search_as(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        query: &str,
    ) -> Result<(SearchResults, Vec<rank::Ranked>, usize)> {
        let plan = self.plan(query);
        // Only punctuation and stop words: no words to match, and nothing meant either.
        if plan.is_empty() {
            return Err(QueryError::NoTerms.into());
        }
        // The query is encoded on another core while the keyword side runs.
        let (keyword, vector) = std::thread::scope(|s| -> Result<_> {
            let wanted = req.mode != SearchMode::Keyword;
            let cached = wanted.then(|| self.queries.cached(query)).flatten();
            let encoding =
                (wanted && cached.is_none()).then(|| s.spawn(|| self.queries.get(query)));
            let keyword = match req.mode {
                SearchMode::Meaning => None,
                _ => Some(self.keyword_ranking(
                    searcher,
                    plan.to_query(&self.fields, searcher),
                    None,
                )?),
            };
            let vector = match encoding {
                Some(h) => Some(h.join().map_err(|_| Error::Poisoned)??),
                None => cached,
            };
            Ok((keyword, vector))
        })?;
        let keyword_matches = keyword.as_ref().map_or(0, Vec::len);
        let ranking = self.rank(
            searcher,
            RankBy {
                keyword,
                meaning: vector.as_deref().map(|v| (v.as_slice(), Slot::Head)),
                exclude: None,
                lift: req.mode == SearchMode::Hybrid,
                topics: None,
                weights: fusion::Weights::for_query(query),
            },
            &req.filters,
        )?;
        let page: Vec<_> = ranking
            .docs
            .iter()
            .skip(req.offset)
            .take(req.limit)
            .copied()
            .collect();
        let highlighter = Highlighter::new(&plan.highlight_terms());
        let results = SearchResults {
            query: query.to_string(),
            total: ranking.docs.len(),
            by_meaning: ranking
                .docs
                .iter()
                .filter(|d| d.why == Why::Meaning)
                .count(),
            hits: self.hits(searcher, &page, &highlighter)?,
            topics_guess: ranking.guess.offered(),
            mode: req.mode,
            corrected: None,
            suggestions: Vec::new(),
        };
        Ok((results, ranking.docs, keyword_matches))
    }

    /// The words to mark in a case's text for `query` (the case page's highlighting).
    pub fn highlighter(&self, query: &str) -> Highlighter {
        Highlighter::new(&self.plan(query).highlight_terms())
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
}
