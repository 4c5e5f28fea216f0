//! Hybrid ranking: fuse the keyword ranking with the meaning ranking, guess the problem's topics
//! from the fused list, and lift the cases of those topics.
//!
//! 1. **Score fusion**: each side's score is scaled to 0–1 for this query — BM25 by the best
//!    keyword score, the cosine between [`COSINE_FLOOR`] (no evidence) and the best cosine — and
//!    the two are added, the meaning side with weight [`meaning_weight`] (less for a short
//!    keyword query, whose words say exactly what is wanted). Scaled scores keep what ranks lose:
//!    a case far ahead on its keywords stays ahead.
//! 2. **Topic guess**: the main topics of the fused top [`VOTE_DEPTH`] vote, each with
//!    `1 / rank`. The shares are the guess.
//! 3. **Topic lift**: a case gains `LIFT · (share of its main topic + SECONDARY · shares of its
//!    other topics)`, so a case of the dominant topic moves up past one that matched a word of
//!    the setting (垃圾 in a plan to turn a littered corner into a rest area).
//! 4. **The result set** is what matched: cases sharing the query's words and cases close in
//!    meaning (scaled cosine at least [`NEAR`] and cosine at least [`NEAR_COSINE`]). For a description, sharing a word or two (小区,
//!    晚上) is not a match: its scaled keyword score must reach [`FEW_WORDS`]. The page, the total
//!    and the facet counts all describe the result set.
//!
//! The constants were set on 282 labelled residents' messages and the 68 judged queries
//! (`anli eval`, README "检索与排序"); topic votes from words the query names were tried and
//! left out (they count twice: the keyword query already lifts named topics).

use std::hash::Hash;

use rustc_hash::FxHashMap;

/// A cosine at or below this is no evidence of similar meaning (unrelated Chinese texts score
/// 0.1–0.3 with this encoder, texts on the same problem 0.3–0.6).
pub const COSINE_FLOOR: f32 = 0.1;
/// Weight of the meaning side for a query of more than [`SHORT_QUERY_CHARS`] characters.
pub const MEANING_WEIGHT: f64 = 1.0;
/// Weight of the meaning side for a short keyword query.
pub const SHORT_MEANING_WEIGHT: f64 = 0.5;
/// A query of at most this many characters is a keyword query.
pub const SHORT_QUERY_CHARS: usize = 8;
/// How many fused cases vote on the topic.
pub const VOTE_DEPTH: usize = 10;
/// Weight of the topic lift (on the scale of the fused score, whose best is about 1 + weight).
pub const LIFT: f64 = 3.0;
/// How much a case's other topics count against its main topic in the lift.
pub const SECONDARY: f64 = 0.5;
/// A case whose scaled keyword score is below this shares only a few of the query's words.
pub const FEW_WORDS: f64 = 0.2;
/// A case whose scaled cosine is at least this is near the query in meaning…
pub const NEAR: f64 = 0.4;
/// …if its cosine is at least this: the best of a library that holds nothing like the query is
/// not near it.
pub const NEAR_COSINE: f32 = 0.25;
/// The share of a case's main topic when its topics are known (its similar cases).
pub const KNOWN_MAIN: f64 = 0.6;
/// A topic is offered as a guess when its share is at least this.
pub const GUESS_SHARE: f64 = 0.25;
/// At most this many topics are offered.
pub const GUESS_MAX: usize = 3;

/// How a query's two rankings are fused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Weight of the meaning side (the keyword side weighs 1).
    pub meaning: f64,
    /// Scaled keyword score a case needs to count as sharing the query's words.
    pub words: f64,
    /// Every case with any evidence is a result (similar cases ranked all the way down).
    pub all: bool,
}

impl Weights {
    /// For what was typed: a short keyword query leans on its words, and any of them is a match;
    /// a description weighs meaning fully and needs more than a word or two in common.
    pub fn for_query(query: &str) -> Weights {
        if query.chars().count() <= SHORT_QUERY_CHARS {
            Weights {
                meaning: SHORT_MEANING_WEIGHT,
                words: f64::MIN_POSITIVE,
                all: false,
            }
        } else {
            Weights {
                meaning: MEANING_WEIGHT,
                words: FEW_WORDS,
                all: false,
            }
        }
    }
}

/// One item's fused evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Fused {
    /// Keyword score scaled to 0–1 (0: no shared word).
    pub words: f64,
    /// Cosine scaled to 0–1 (0: at or below [`COSINE_FLOOR`]).
    pub meaning: f64,
    /// `words + weight · meaning`.
    pub score: f64,
    /// It shares enough of the query's words or is near enough in meaning to be a result.
    pub matched: bool,
    /// It is near in meaning.
    pub near: bool,
    /// It shares enough of the query's words.
    pub shares_words: bool,
}

/// Fuse the keyword scores (BM25) with the meaning scores (cosines), in any order.
pub fn fuse<T: Copy + Eq + Hash>(
    keyword: &[(T, f32)],
    meaning: &[(T, f32)],
    weights: Weights,
) -> FxHashMap<T, Fused> {
    let mut out: FxHashMap<T, Fused> = FxHashMap::default();
    out.reserve(keyword.len().max(meaning.len()));
    let best = keyword.iter().fold(0f64, |m, k| m.max(f64::from(k.1)));
    if best > 0.0 {
        for (item, s) in keyword {
            out.entry(*item).or_default().words = f64::from(*s) / best;
        }
    }
    let floor = f64::from(COSINE_FLOOR);
    let top = meaning.iter().fold(floor, |m, c| m.max(f64::from(c.1)));
    if top > floor {
        for (item, c) in meaning {
            let scaled = ((f64::from(*c) - floor) / (top - floor)).max(0.0);
            let near = scaled >= NEAR && *c >= NEAR_COSINE;
            // Meaning alone matters only for what it brings near; for the rest it orders what
            // shares words (a case with neither is not a result, so it is not kept).
            if near || (weights.all && scaled > 0.0) {
                let f = out.entry(*item).or_default();
                f.meaning = scaled;
                f.near = near;
            } else if let Some(f) = out.get_mut(item) {
                f.meaning = scaled;
            }
        }
    }
    for f in out.values_mut() {
        f.score = f.words + weights.meaning * f.meaning;
        f.shares_words = f.words >= weights.words;
        f.matched = f.near || f.shares_words || weights.all;
    }
    out
}

/// The topic guess: each topic's share of the votes, largest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicGuess {
    /// (topic, share) with shares summing to 1 (empty when nothing voted).
    pub shares: Vec<(String, f64)>,
}

impl TopicGuess {
    /// Votes of the main topics of `ranked` (best first).
    pub fn vote<'a>(ranked: impl IntoIterator<Item = &'a str>) -> TopicGuess {
        let mut votes: Vec<(String, f64)> = Vec::new();
        for (rank, topic) in ranked.into_iter().take(VOTE_DEPTH).enumerate() {
            if topic.is_empty() {
                continue;
            }
            let v = 1.0 / (rank as f64 + 1.0);
            match votes.iter_mut().find(|(t, _)| t == topic) {
                Some(e) => e.1 += v,
                None => votes.push((topic.to_string(), v)),
            }
        }
        let total: f64 = votes.iter().map(|v| v.1).sum();
        if total > 0.0 {
            for v in &mut votes {
                v.1 /= total;
            }
        }
        // Largest first; equal shares keep first-vote order (the better-ranked topic first).
        votes.sort_by(|a, b| b.1.total_cmp(&a.1));
        TopicGuess { shares: votes }
    }

    /// Topics known rather than guessed, main topic first: the main topic has [`KNOWN_MAIN`] of
    /// the share, the others split the rest.
    pub fn known(topics: &[String]) -> TopicGuess {
        let Some((main, rest)) = topics.split_first() else {
            return TopicGuess::default();
        };
        let mut shares = vec![(main.clone(), if rest.is_empty() { 1.0 } else { KNOWN_MAIN })];
        for t in rest {
            shares.push((t.clone(), (1.0 - KNOWN_MAIN) / rest.len() as f64));
        }
        TopicGuess { shares }
    }

    /// The share of `topic` (0 when it got no vote).
    pub fn share(&self, topic: &str) -> f64 {
        self.shares
            .iter()
            .find(|(t, _)| t == topic)
            .map_or(0.0, |s| s.1)
    }

    /// The topics worth showing: share ≥ [`GUESS_SHARE`], at most [`GUESS_MAX`].
    pub fn offered(&self) -> Vec<String> {
        self.shares
            .iter()
            .filter(|(_, s)| *s >= GUESS_SHARE)
            .take(GUESS_MAX)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// The lift a case with these topics (main topic first) gets.
    pub fn lift<'a>(&self, topics: impl IntoIterator<Item = &'a str>) -> f64 {
        let mut topics = topics.into_iter();
        let Some(main) = topics.next() else {
            return 0.0;
        };
        let share = self.share(main) + SECONDARY * topics.map(|t| self.share(t)).sum::<f64>();
        LIFT * share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_adds_scaled_evidence_and_keeps_a_clear_keyword_lead() {
        let keyword = [("停车-错峰", 12.0), ("物业-收费", 3.0), ("停车-立体", 2.0)];
        let meaning = [("停车-立体", 0.55), ("停车-错峰", 0.5), ("养犬-文明", 0.12)];
        let far = [("停车-立体", 0.2)];
        let short = Weights::for_query("无障碍坡道");
        assert!(
            !fuse(&[], &far, short).contains_key("停车-立体"),
            "the best is not near enough: not a result"
        );
        let long = Weights::for_query("小区里车越来越多，晚上回来根本没地方停");
        let f = fuse(&keyword, &meaning, long);
        assert_eq!(f["停车-错峰"].words, 1.0);
        assert_eq!(f["停车-立体"].meaning, 1.0);
        assert!(
            f["停车-错峰"].score > f["停车-立体"].score,
            "a clear keyword lead holds"
        );
        assert!(f["停车-错峰"].matched && f["停车-立体"].matched);
        assert!(
            !f.contains_key("养犬-文明"),
            "far in meaning, no shared word: not a result"
        );
        let mut all = long;
        all.all = true;
        assert!(
            fuse(&keyword, &meaning, all)["养犬-文明"].matched,
            "unless all are ranked"
        );
        assert!(
            f["物业-收费"].shares_words,
            "a quarter of the best keyword score"
        );
        // Only one side: the other contributes nothing.
        let only = fuse(&keyword, &[], long);
        assert_eq!(only["停车-立体"].meaning, 0.0);
        assert!(fuse::<&str>(&[], &[], long).is_empty());
    }

    #[test]
    fn short_keyword_queries_lean_on_their_words_and_any_match_counts() {
        let short = Weights::for_query("院坝会");
        let long = Weights::for_query("小区里车越来越多，晚上回来根本没地方停");
        assert!(short.meaning < long.meaning);
        let keyword = [("院坝会", 10.0), ("顺带提到", 0.5)];
        assert!(fuse(&keyword, &[], short)["顺带提到"].matched);
        assert!(!fuse(&keyword, &[], long)["顺带提到"].matched);
    }

    #[test]
    fn the_dominant_topic_is_guessed_and_lifts_its_cases() {
        let ranked = ["停车管理", "矛盾调解", "停车管理", "停车管理", "物业服务"];
        let guess = TopicGuess::vote(ranked);
        assert_eq!(guess.offered()[0], "停车管理");
        let total: f64 = guess.shares.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-9);
        let parking = guess.lift(["停车管理"]);
        let mediation = guess.lift(["矛盾调解", "停车管理"]);
        assert!(parking > mediation && mediation > 0.0);
        assert_eq!(guess.lift([]), 0.0);
        assert!(TopicGuess::vote([]).offered().is_empty());
    }
}
