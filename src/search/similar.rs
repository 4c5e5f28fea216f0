//! Similar cases: to an indexed case, or to a text (a described problem, a whole case, a
//! judgment).
//!
//! A text of at most [`SHORT_TEXT_CHARS`] characters — a problem told in a sentence or two — is
//! searched like a query: synonyms, topic aliases, meaning, the topic lift. Anything longer, and
//! an indexed case, is matched on all of its evidence:
//! - **every word** it shares with a case, each weighing the same in the query (its BM25 weight in
//!   the case does the rest: rare words count more, a long case is not favoured), in the title,
//!   做法 and the rest of the text alike — a rare name is one word among hundreds and cannot
//!   decide alone, and the words that say what the case is about count as often as the case uses
//!   them;
//! - **the meaning of the whole text** (its vector against each case's whole-text vector), at
//!   [`LONG_MEANING_WEIGHT`];
//! - the **topic lift** of the fused ranking ([`fusion`]).
//!
//! Every case with any evidence is ranked, so a caller asking for as many results as there are
//! cases gets them all (`total` says how many were ranked). The switch and the weights were set
//! on LeCaRD's legal case retrieval pools (NDCG@30) and labelled residents' messages (README).

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::rank::RankBy;
use super::segments::Slot;
use super::{fusion, Engine, Filters, Highlighter, QueryError, SearchMode, SearchRequest};
use super::{SearchResults, SHORT_TEXT_CHARS};
use crate::analysis::Mode;
use crate::error::{Error, Result};

/// A text's words found in the index, and every case matching them by BM25 (none: no word).
type WordsRanking = (Vec<String>, Option<Vec<(DocAddress, f32)>>);

/// Weight of the whole-text meaning against the words in a long text's ranking.
pub const LONG_MEANING_WEIGHT: f64 = 0.5;

impl Engine {
    /// Cases similar to the case `id` (all its words and its meaning), excluding itself.
    pub fn similar_to_case(
        &self,
        id: &str,
        limit: usize,
        filters: &Filters,
    ) -> Result<SearchResults> {
        self.check_similar_limit(limit)?;
        self.check_filters(filters)?;
        let case = self.case(id)?;
        let mut text = case.full_text();
        for t in case.meta.tags.iter().chain(&case.meta.topics) {
            text.push('\n');
            text.push_str(t);
        }
        let searcher = self.searcher();
        let vector = match self.address(&searcher, id)? {
            Some(addr) => self
                .segments
                .segments(&searcher)?
                .get(addr.segment_ord as usize)
                .and_then(|s| s.vectors.vector(addr.doc_id, Slot::Full)),
            None => None,
        };
        let words = self.words_ranking(&searcher, &text, Some(id))?;
        self.similar_ranked(
            &searcher,
            id,
            words,
            vector.as_deref(),
            Some((id, &case.meta.topics)),
            limit,
            filters,
        )
    }

    /// Cases similar to a described problem (free text, a paragraph or a whole case).
    pub fn similar_to_text(
        &self,
        text: &str,
        limit: usize,
        filters: &Filters,
    ) -> Result<SearchResults> {
        self.check_similar_limit(limit)?;
        self.check_filters(filters)?;
        if text.trim().is_empty() {
            return Err(QueryError::Empty.into());
        }
        if text.chars().count() <= SHORT_TEXT_CHARS {
            let req = SearchRequest {
                query: text.to_string(),
                limit,
                offset: 0,
                filters: filters.clone(),
                mode: SearchMode::Hybrid,
                literal: true,
            };
            return self.search_checked(&req, None);
        }
        let searcher = self.searcher();
        // The text is encoded on another core while its words are matched.
        std::thread::scope(|s| {
            let encoding = s.spawn(|| self.queries.get(text));
            let words = self.words_ranking(&searcher, text, None)?;
            let vector = encoding.join().map_err(|_| Error::Poisoned)??;
            self.similar_ranked(&searcher, text, words, Some(&vector), None, limit, filters)
        })
    }

    /// The words of `text` found in the index and every case matching them (but `exclude`),
    /// by BM25.
    fn words_ranking(
        &self,
        searcher: &Searcher,
        text: &str,
        exclude: Option<&str>,
    ) -> Result<WordsRanking> {
        let words = self.text_words(searcher, text);
        if words.is_empty() {
            return Ok((words, None));
        }
        let ranking = self.keyword_ranking(searcher, self.all_words_query(&words), exclude)?;
        Ok((words, Some(ranking)))
    }

    /// Fuse a text's word ranking with its meaning (`vector`, the whole text's), lift, page.
    /// `case` is the case whose similar cases these are (left out, its topics known).
    #[allow(clippy::too_many_arguments)]
    fn similar_ranked(
        &self,
        searcher: &Searcher,
        shown: &str,
        (words, keyword): WordsRanking,
        vector: Option<&[f32]>,
        case: Option<(&str, &[String])>,
        limit: usize,
        filters: &Filters,
    ) -> Result<SearchResults> {
        if keyword.is_none() && vector.is_none() {
            return Err(QueryError::NoSimilarTerms.into());
        }
        let weights = fusion::Weights {
            meaning: LONG_MEANING_WEIGHT,
            words: f64::MIN_POSITIVE,
            all: true,
        };
        let ranking = self.rank(
            searcher,
            RankBy {
                keyword,
                meaning: vector.map(|v| (v, Slot::Full)),
                exclude: case.map(|c| c.0),
                lift: true,
                topics: case.map(|c| c.1).filter(|t| !t.is_empty()),
                weights,
            },
            filters,
        )?;
        let page: Vec<_> = ranking.docs.iter().take(limit).copied().collect();
        let highlight: Vec<(String, f32)> = words
            .iter()
            .filter(|w| w.chars().count() > 1)
            .map(|w| (w.clone(), w.chars().count().min(4) as f32))
            .collect();
        Ok(SearchResults {
            query: shown.to_string(),
            total: ranking.docs.len(),
            hits: self.hits(searcher, &page, &Highlighter::new(&highlight))?,
            by_meaning: ranking
                .docs
                .iter()
                .filter(|d| d.why == super::Why::Meaning)
                .count(),
            topics_guess: ranking.guess.offered(),
            mode: SearchMode::Hybrid,
            corrected: None,
            suggestions: Vec::new(),
        })
    }

    /// The distinct words of `text` that occur in the index (query mode: stop words out, single
    /// characters kept — 刀, 砍 and 偷 say a lot in a judgment).
    pub fn text_words(&self, searcher: &Searcher, text: &str) -> Vec<String> {
        let mut words: Vec<String> = self
            .analyzer
            .words(text, Mode::Query)
            .into_iter()
            .map(|w| w.text)
            .collect();
        words.sort();
        words.dedup();
        words.retain(|w| {
            [self.fields.body, self.fields.measures, self.fields.title]
                .into_iter()
                .any(|f| searcher.doc_freq(&Term::from_field_text(f, w)).unwrap_or(0) > 0)
        });
        words
    }

    /// Each word in the title, 做法 and body, scores added.
    fn all_words_query(&self, words: &[String]) -> Box<dyn Query> {
        let clauses = words
            .iter()
            .flat_map(|w| {
                [self.fields.body, self.fields.measures, self.fields.title]
                    .into_iter()
                    .map(move |f| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(f, w),
                            IndexRecordOption::WithFreqs,
                        ));
                        (Occur::Should, q)
                    })
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }
}
