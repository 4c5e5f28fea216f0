//! Similar cases: to an indexed case, or to a text (a described problem or a whole case).
//!
//! A short text is searched like a query (hybrid: synonyms, topic aliases, meaning). A long text
//! and a case are matched by their most distinctive words and by the meaning of their whole
//! text, fused.

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::rank::RankBy;
use super::segments::Slot;
use super::{fusion, query, Engine, Filters, Highlighter, QueryError, SearchMode, SearchRequest};
use super::{SearchResults, SHORT_TEXT_CHARS, SIMILAR_TERMS};
use crate::analysis::Mode;
use crate::error::Result;

impl Engine {
    /// Cases similar to the case `id` (its distinctive words and its meaning), excluding itself.
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
        let vector = match self.address(&searcher, id)? {
            Some(addr) => self
                .segments
                .segments(&searcher)?
                .get(addr.segment_ord as usize)
                .and_then(|s| s.vectors.vector(addr.doc_id, Slot::Full)),
            None => None,
        };
        let ranking = self.rank(
            &searcher,
            RankBy {
                keyword: Some(Box::new(BooleanQuery::new(clauses))),
                meaning: vector.as_deref().map(|v| (v, Slot::Full)),
                exclude: Some(id),
                lift: false,
                weights: fusion::Weights::for_query(&text),
            },
            filters,
        )?;
        let page: Vec<_> = ranking.docs.iter().take(limit).copied().collect();
        Ok(SearchResults {
            query: id.to_string(),
            total: ranking.docs.len(),
            hits: self.hits(&searcher, &page, &Highlighter::new(&terms))?,
            topics_guess: ranking.guess.offered(),
            mode: SearchMode::Hybrid,
        })
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
        // A described problem of a few sentences is searched like a query (synonyms, topic
        // aliases, the meaning of what was said).
        let short = std::env::var("SIM_SHORT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(SHORT_TEXT_CHARS);
        if text.chars().count() <= short {
            let req = SearchRequest {
                query: text.to_string(),
                limit,
                offset: 0,
                filters: filters.clone(),
                mode: SearchMode::Hybrid,
            };
            return self.search_checked(&req, None);
        }
        // A long text (a whole case) by its most distinctive words and its whole meaning.
        let searcher = self.searcher();
        let variant = std::env::var("ANLI_SIM").unwrap_or_default();
        let terms = if variant.is_empty() {
            self.significant_terms(&searcher, text)
        } else {
            self.text_terms(&searcher, text, &variant)
        };
        if terms.is_empty() {
            return Err(QueryError::NoSimilarTerms.into());
        }
        let vector = self.queries.get(text)?;
        let mut weights = fusion::Weights::for_query(text);
        if let Some(w) = std::env::var("SIM_WM").ok().and_then(|v| v.parse().ok()) {
            weights.meaning = w;
        }
        weights.words = 0.0;
        let ranking = self.rank(
            &searcher,
            RankBy {
                keyword: Some(if variant.contains("body") {
                    self.body_terms_query(&terms)
                } else {
                    self.weighted_terms_query(&terms)
                }),
                meaning: (std::env::var("SIM_WM").as_deref() != Ok("0"))
                    .then_some((vector.as_slice(), Slot::Full)),
                exclude: None,
                lift: false,
                weights,
            },
            filters,
        )?;
        let page: Vec<_> = ranking.docs.iter().take(limit).copied().collect();
        Ok(SearchResults {
            query: text.to_string(),
            total: ranking.docs.len(),
            hits: self.hits(&searcher, &page, &Highlighter::new(&terms))?,
            topics_guess: ranking.guess.offered(),
            mode: SearchMode::Hybrid,
        })
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

    /// Experimental: every informative word of a text, weighted.
    pub fn text_terms(&self, searcher: &Searcher, text: &str, variant: &str) -> Vec<(String, f32)> {
        let words = self.analyzer.words(text, Mode::Query);
        let counts = query::term_counts(&words);
        let n = searcher.num_docs().max(1) as f32;
        let mut scored: Vec<(String, f32)> = counts
            .into_iter()
            .filter(|(w, _)| variant.contains("single") || w.chars().count() >= 2)
            .filter_map(|(w, tf)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, w))
                    .unwrap_or(0) as f32;
                if df == 0.0 || (!variant.contains("nocut") && df / n > query::COMMON_UNIT_SHARE) {
                    return None;
                }
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let mut wt = if variant.contains("rawtf") {
                    tf as f32
                } else if variant.contains("sqrt") {
                    (tf as f32).sqrt()
                } else {
                    1.0 + (tf as f32).ln()
                };
                if variant.contains("idf") {
                    wt *= idf;
                }
                if variant.contains("oov") && self.analyzer.rarity(w).is_none() {
                    wt *= 0.3;
                }
                if variant.contains("everyday") {
                    wt *= query::everyday_weight(self.analyzer.rarity(w));
                }
                Some((w.to_string(), wt))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        if let Some(k) = variant
            .split(',')
            .find_map(|p| p.strip_prefix("top").and_then(|x| x.parse::<usize>().ok()))
        {
            scored.truncate(k);
        }
        let top = scored.first().map_or(1.0, |t| t.1);
        for t in &mut scored {
            t.1 /= top;
        }
        scored
    }

    fn body_terms_query(&self, terms: &[(String, f32)]) -> Box<dyn Query> {
        let clauses = terms
            .iter()
            .flat_map(|(t, w)| {
                let fields: Vec<tantivy::schema::Field> = if std::env::var("NOTITLE").is_ok() {
                    vec![self.fields.body, self.fields.measures]
                } else {
                    vec![self.fields.body, self.fields.measures, self.fields.title]
                };
                fields.into_iter().map(move |f| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(f, t),
                        IndexRecordOption::WithFreqs,
                    ));
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(q, *w)) as Box<dyn Query>,
                    )
                })
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
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
                        Box::new(BoostQuery::new(q, b)) as Box<dyn Query>
                    })
                    .collect();
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
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
}
