//! From what a secretary typed to a tantivy query.
//!
//! 1. The text is cut in query mode (precise words, normalized, stop words out).
//! 2. Runs of up to four adjacent words that form a synonym-table entry become one unit with its
//!    synonyms as alternative forms (`电瓶` `车` → 电瓶车 | 电动自行车 | 电动车); every other word
//!    is a unit of its own, with the dictionary words inside it (`加装电梯` → 加装 + 电梯) as a
//!    weaker alternative, so `加装了电梯` is found too.
//! 3. Each form is searched in every text field with that field's boost (best field counts,
//!    others add [`TIE_BREAKER`]); a form of several tokens is a phrase.
//! 4. Units are OR-ed: a long problem description never requires every word. BM25 rewards cases
//!    that match more and rarer units. In long queries, units that occur in most cases are dropped.
//! 5. Words that name a topic or one of its colloquial aliases (`schema/topics.toml`) lift that
//!    topic's cases by [`TOPIC_BOOST`].
//! 6. Words common in everyday Chinese (地方, 越来越, 根本, 晚上) weigh less than words that
//!    name a problem (停车, 车位, 漏水), by their frequency in jieba's dictionary
//!    ([`everyday_weight`]): a resident's filler must not decide which case comes first. The
//!    index's own statistics cannot see this, since formal case text rarely uses such words and
//!    BM25 would count them as rare.

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::synonyms::Synonyms;
use crate::analysis::{normalize_str, Analyzer, Mode, Word};
use crate::schema::Fields;
use crate::topics::Topics;

/// Weight of the non-best fields in a field disjunction.
pub const TIE_BREAKER: f32 = 0.2;
/// Weight of a synonym relative to the word typed.
pub const SYNONYM_WEIGHT: f32 = 0.7;
/// Weight of the dictionary words inside a typed word (all required).
pub const SUBWORD_WEIGHT: f32 = 0.7;
/// Score added to cases whose main topic the query names by name or alias.
pub const TOPIC_BOOST: f32 = 4.0;
/// Score added to cases that list that topic but not first.
pub const SECONDARY_TOPIC_BOOST: f32 = 1.0;
/// How much more a topic lifts its cases when the whole query is that topic's name or alias.
pub const EXACT_TOPIC_FACTOR: f32 = 6.0;
/// A query with at least this many units is "long": very common units are dropped.
pub const LONG_QUERY_UNITS: usize = 6;
/// In a long query, a unit occurring in more than this share of cases is dropped.
pub const COMMON_UNIT_SHARE: f32 = 0.5;
/// A word at most this rare in everyday Chinese ([`Analyzer::rarity`]) gets the least weight.
pub const EVERYDAY_RARITY: f64 = 6.0;
/// A word at least this rare gets its full weight.
pub const PROBLEM_RARITY: f64 = 10.0;
/// The least weight an everyday word gets.
pub const EVERYDAY_WEIGHT: f32 = 0.3;

/// A unit's weight by how common its word is in everyday Chinese: [`EVERYDAY_WEIGHT`] up to
/// [`EVERYDAY_RARITY`], 1 from [`PROBLEM_RARITY`] on, linear between. Words the dictionary lacks
/// count as rare.
pub fn everyday_weight(rarity: Option<f64>) -> f32 {
    let Some(r) = rarity else { return 1.0 };
    let t = ((r - EVERYDAY_RARITY) / (PROBLEM_RARITY - EVERYDAY_RARITY)).clamp(0.0, 1.0) as f32;
    EVERYDAY_WEIGHT + (1.0 - EVERYDAY_WEIGHT) * t
}

/// One alternative spelling of a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// Its tokens (index-side terms) with their relative positions.
    pub tokens: Vec<(usize, String)>,
    /// Weight relative to the unit.
    pub weight: f32,
    /// All tokens must match, but not as a phrase (dictionary words inside a word).
    pub conjunction: bool,
}

/// A piece of the query: what was typed and its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The words as typed (normalized), joined.
    pub text: String,
    /// Alternatives; the first is what was typed.
    pub forms: Vec<Form>,
    /// How often the unit occurs in the query.
    pub count: usize,
    /// How much it counts by how common it is in everyday speech ([`everyday_weight`]).
    pub everyday: f32,
}

/// The analyzed query.
#[derive(Debug, Clone, Default)]
pub struct QueryPlan {
    /// Units in query order (duplicates merged).
    pub units: Vec<Unit>,
    /// Topics named by the query.
    pub topics: Vec<String>,
    /// The topic the whole query names (`停车难` is 停车管理): its cases are what the user wants.
    pub exact_topic: Option<String>,
}

impl QueryPlan {
    /// Analyze `text`.
    pub fn build(
        text: &str,
        analyzer: &Analyzer,
        synonyms: &Synonyms,
        topics: &Topics,
    ) -> QueryPlan {
        let words = analyzer.words(text, Mode::Query);
        let mut plan = QueryPlan::default();
        let mut i = 0;
        while i < words.len() {
            let (len, unit) = match_synonym(&words[i..], analyzer, synonyms)
                .unwrap_or_else(|| (1, plain_unit(&words[i].text, analyzer)));
            for t in topics.matching(&unit.text) {
                plan.add_topic(&t.name);
            }
            plan.add_unit(unit);
            i += len;
        }
        // Aliases the segmenter cut differently still name their topic.
        let normalized = normalize_str(text);
        let whole = normalized.trim_matches(|c: char| {
            c.is_whitespace() || c.is_ascii_punctuation() || "，。！？、；：".contains(c)
        });
        plan.exact_topic = topics.matching(whole).next().map(|t| t.name.clone());
        let mut named: Vec<&str> = topics
            .words(3)
            .filter(|(w, _)| normalized.contains(w))
            .map(|(_, t)| t.name.as_str())
            .collect();
        // In vocabulary order, so the plan does not depend on hash order.
        named.sort_by_key(|n| topics.names().position(|x| x == *n));
        for name in named {
            plan.add_topic(name);
        }
        plan
    }

    fn add_unit(&mut self, unit: Unit) {
        if let Some(u) = self.units.iter_mut().find(|u| u.text == unit.text) {
            u.count += 1;
        } else {
            self.units.push(unit);
        }
    }

    fn add_topic(&mut self, name: &str) {
        if !self.topics.iter().any(|t| t == name) {
            self.topics.push(name.to_string());
        }
    }

    /// Whether nothing searchable is left.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.topics.is_empty()
    }

    /// Every token worth highlighting, with a weight (longer and typed words weigh more).
    /// Single characters are left out when the query has longer words: lighting up every 车
    /// and 里 says nothing about why a case matched.
    pub fn highlight_terms(&self) -> Vec<(String, f32)> {
        let mut terms = self.all_highlight_terms();
        if terms.iter().any(|(t, _)| t.chars().count() > 1) {
            terms.retain(|(t, _)| t.chars().count() > 1 || t.is_ascii());
        }
        terms
    }

    fn all_highlight_terms(&self) -> Vec<(String, f32)> {
        let mut out: Vec<(String, f32)> = Vec::new();
        for u in &self.units {
            for f in &u.forms {
                let whole: String = f.tokens.iter().map(|(_, t)| t.as_str()).collect();
                let texts: Vec<String> = if f.conjunction {
                    f.tokens.iter().map(|(_, t)| t.clone()).collect()
                } else {
                    vec![whole]
                };
                for t in texts {
                    let w = f.weight * (t.chars().count() as f32).min(4.0);
                    if let Some(e) = out.iter_mut().find(|(x, _)| *x == t) {
                        e.1 = e.1.max(w);
                    } else {
                        out.push((t, w));
                    }
                }
            }
        }
        out
    }

    /// The tantivy query, without filters. `searcher` gives document frequencies for dropping
    /// common units of long queries.
    pub fn to_query(&self, fields: &Fields, searcher: &Searcher) -> Box<dyn Query> {
        let num_docs = searcher.num_docs().max(1) as f32;
        let long = self.units.len() >= LONG_QUERY_UNITS;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for unit in &self.units {
            if long {
                let first = unit.forms[0]
                    .tokens
                    .first()
                    .map(|(_, t)| t.as_str())
                    .unwrap_or("");
                let df = searcher
                    .doc_freq(&Term::from_field_text(fields.body, first))
                    .unwrap_or(0) as f32;
                if df / num_docs > COMMON_UNIT_SHARE {
                    continue;
                }
            }
            let forms: Vec<(Occur, Box<dyn Query>)> = unit
                .forms
                .iter()
                .map(|f| (Occur::Should, boosted(form_query(f, fields), f.weight)))
                .collect();
            let weight = (1.0 + (unit.count as f32).ln()) * unit.everyday;
            clauses.push((
                Occur::Should,
                boosted(Box::new(BooleanQuery::new(forms)), weight),
            ));
        }
        for t in &self.topics {
            if self.exact_topic.as_ref() != Some(t) {
                clauses.push((Occur::Should, topic_boost(fields, t, 1.0)));
            }
        }
        if let Some(t) = &self.exact_topic {
            clauses.push((Occur::Should, topic_boost(fields, t, EXACT_TOPIC_FACTOR)));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

fn boosted(q: Box<dyn Query>, w: f32) -> Box<dyn Query> {
    if (w - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, w))
    }
}

/// A constant lift for the cases of topic `name`: [`TOPIC_BOOST`] for cases whose main (first)
/// topic it is, [`SECONDARY_TOPIC_BOOST`] for cases that list it later.
pub fn topic_boost(fields: &Fields, name: &str, factor: f32) -> Box<dyn Query> {
    let facet = Facet::from_path([name]);
    let lift = |field, score| -> (Occur, Box<dyn Query>) {
        let term = Term::from_facet(field, &facet);
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                score,
            )),
        )
    };
    Box::new(BooleanQuery::new(vec![
        lift(
            fields.main_topic,
            factor * (TOPIC_BOOST - SECONDARY_TOPIC_BOOST),
        ),
        lift(fields.topic, factor * SECONDARY_TOPIC_BOOST),
    ]))
}

/// One form searched across the text fields.
fn form_query(form: &Form, fields: &Fields) -> Box<dyn Query> {
    let per_field: Vec<Box<dyn Query>> = fields
        .weighted_text()
        .into_iter()
        .map(|(field, boost)| {
            let q: Box<dyn Query> = if form.tokens.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &form.tokens[0].1),
                    IndexRecordOption::WithFreqs,
                ))
            } else if form.conjunction {
                Box::new(BooleanQuery::new(
                    form.tokens
                        .iter()
                        .map(|(_, t)| {
                            let q: Box<dyn Query> = Box::new(TermQuery::new(
                                Term::from_field_text(field, t),
                                IndexRecordOption::WithFreqs,
                            ));
                            (Occur::Must, q)
                        })
                        .collect(),
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    form.tokens
                        .iter()
                        .map(|(p, t)| (*p, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            boosted(q, boost)
        })
        .collect();
    Box::new(DisjunctionMaxQuery::with_tie_breaker(
        per_field,
        TIE_BREAKER,
    ))
}

/// The query-side tokens of a word or phrase, positions relative to the first.
fn tokens_of(text: &str, analyzer: &Analyzer) -> Vec<(usize, String)> {
    let words = analyzer.words(text, Mode::Query);
    let first = words.first().map_or(0, |w| w.position);
    words
        .into_iter()
        .map(|w| (w.position - first, w.text))
        .collect()
}

fn plain_unit(word: &str, analyzer: &Analyzer) -> Unit {
    let mut forms = vec![Form {
        tokens: vec![(0, word.to_string())],
        weight: 1.0,
        conjunction: false,
    }];
    let subs: Vec<String> = analyzer.subwords(word);
    if !subs.is_empty() && word.chars().count() > 2 {
        // Only the parts that do not overlap, in order: 加装电梯 → 加装, 电梯.
        let mut parts: Vec<String> = Vec::new();
        let mut covered = 0;
        for s in subs {
            if let Some(at) = word[covered..].find(&s) {
                covered += at + s.len();
                parts.push(s);
            }
        }
        if !parts.is_empty() {
            forms.push(Form {
                tokens: parts.into_iter().enumerate().collect(),
                weight: SUBWORD_WEIGHT,
                conjunction: true,
            });
        }
    }
    Unit {
        text: word.to_string(),
        forms,
        count: 1,
        everyday: everyday_weight(analyzer.rarity(word)),
    }
}

/// The longest run of adjacent words at the start of `words` that is a synonym entry.
fn match_synonym(
    words: &[Word],
    analyzer: &Analyzer,
    synonyms: &Synonyms,
) -> Option<(usize, Unit)> {
    let max = words.len().min(4);
    for len in (1..=max).rev() {
        let run = &words[..len];
        // Adjacent in the text: nothing but the words themselves between them.
        if run.windows(2).any(|w| w[0].end != w[1].start) {
            continue;
        }
        let joined: String = run.iter().map(|w| w.text.as_str()).collect();
        if joined.chars().count() > synonyms.longest() {
            continue;
        }
        let alternatives = synonyms.expand(&joined);
        if alternatives.is_empty() {
            continue;
        }
        let mut unit = plain_unit(&joined, analyzer);
        unit.forms[0].tokens = tokens_of(&joined, analyzer);
        if unit.forms[0].tokens.is_empty() {
            unit.forms[0].tokens = vec![(0, joined.clone())];
        }
        for alt in alternatives {
            let tokens = tokens_of(alt, analyzer);
            // An alternative that lost a piece to the stop words (过道 → 道) would match
            // something else entirely: leave it out.
            let kept: usize = tokens.iter().map(|(_, t)| t.len()).sum();
            let letters = alt
                .chars()
                .filter(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum::<usize>();
            if !tokens.is_empty() && kept == letters {
                unit.forms.push(Form {
                    tokens,
                    weight: SYNONYM_WEIGHT,
                    conjunction: false,
                });
            }
        }
        return Some((len, unit));
    }
    None
}

/// Count how often each token occurs in `words` (for similar-case queries).
pub fn term_counts(words: &[Word]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for w in words {
        *counts.entry(w.text.as_str()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::SchemaFiles;

    #[test]
    fn everyday_words_weigh_less_than_the_words_of_a_problem() {
        let analyzer = Analyzer::shared(&SchemaFiles::builtin()).unwrap();
        let w = |word: &str| everyday_weight(analyzer.rarity(word));
        for filler in ["地方", "越来越", "根本", "回来"] {
            for problem in ["停车", "车位", "漏水", "物业"] {
                assert!(w(filler) < w(problem), "{filler} vs {problem}");
            }
        }
        assert_eq!(w("停车"), 1.0);
        assert_eq!(
            w("泉润社区"),
            1.0,
            "a name the dictionary lacks counts in full"
        );
        assert!(w("地方") >= EVERYDAY_WEIGHT);
        let plan = QueryPlan::build(
            "小区里车越来越多，晚上回来根本没地方停",
            &analyzer,
            &Synonyms::default(),
            &crate::topics::Topics::builtin(),
        );
        let weight = |t: &str| plan.units.iter().find(|u| u.text == t).map(|u| u.everyday);
        assert!(weight("地方") < weight("小区"), "{plan:?}");
    }
}
