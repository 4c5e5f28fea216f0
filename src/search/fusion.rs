//! Hybrid ranking: fuse the keyword ranking with the meaning ranking, guess the problem's topics
//! from the fused list, and lift the cases of those topics.
//!
//! 1. **Reciprocal-rank fusion**: a case at rank `r` of a list earns `weight / (K + r)`; a case
//!    only one list found earns only that list's part. Ranks, not scores, are fused, so BM25's
//!    unbounded scores and cosines between 0 and 1 need no calibration.
//! 2. **Topic guess**: the main topics of the fused top [`VOTE_DEPTH`] vote, each with
//!    `1 / rank`; a topic the query names by name or alias (`停车难`) gets [`NAMED_VOTE`] more. The
//!    shares are the guess.
//! 3. **Topic lift**: a case gains `LIFT · (share of its main topic + SECONDARY · shares of its
//!    other topics) / K`, so a case of the dominant topic moves up past a case that matched a word
//!    of the setting (垃圾 in a plan to turn a littered corner into a rest area).
//!
//! The constants were set on the labelled residents' messages (`anli eval --messages`): see the
//! README's "检索与排序" section for the figures.

use std::collections::HashMap;
use std::hash::Hash;

/// The rank offset of reciprocal-rank fusion (the usual 60: the top ranks of a list matter,
/// but rank 1 does not dwarf rank 5).
pub const K: f64 = 60.0;
/// How many fused cases vote on the topic.
pub const VOTE_DEPTH: usize = 10;
/// Weight of the topic lift, in units of a rank-1 contribution.
pub const LIFT: f64 = 2.0;
/// How much a case's other topics count against its main topic in the lift.
pub const SECONDARY: f64 = 0.3;
/// Extra vote for a topic the query names by name or alias.
pub const NAMED_VOTE: f64 = 1.0;
/// A topic is offered as a guess when its share is at least this.
pub const GUESS_SHARE: f64 = 0.25;
/// At most this many topics are offered.
pub const GUESS_MAX: usize = 3;

/// Fuse ranked lists (best first, each with its weight) into one score per item.
pub fn reciprocal_rank<T: Copy + Eq + Hash>(lists: &[(&[T], f64)]) -> HashMap<T, f64> {
    let mut scores: HashMap<T, f64> = HashMap::new();
    for (list, weight) in lists {
        for (rank, item) in list.iter().enumerate() {
            *scores.entry(*item).or_default() += weight / (K + rank as f64 + 1.0);
        }
    }
    scores
}

/// Items sorted by score, best first; ties by the order of `key` (stable and deterministic).
pub fn sorted<T: Copy + Eq + Hash, O: Ord>(
    scores: &HashMap<T, f64>,
    key: impl Fn(&T) -> O,
) -> Vec<(T, f64)> {
    let mut out: Vec<(T, f64)> = scores.iter().map(|(t, s)| (*t, *s)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| key(&a.0).cmp(&key(&b.0))));
    out
}

/// The topic guess: each topic's share of the votes, largest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicGuess {
    /// (topic, share) with shares summing to 1 (empty when nothing voted).
    pub shares: Vec<(String, f64)>,
}

impl TopicGuess {
    /// Votes of the main topics of `ranked` (best first), plus [`NAMED_VOTE`] for each topic in
    /// `named`.
    pub fn vote<'a>(ranked: impl IntoIterator<Item = &'a str>, named: &[String]) -> TopicGuess {
        let mut votes: Vec<(String, f64)> = Vec::new();
        let mut add = |topic: &str, v: f64| match votes.iter_mut().find(|(t, _)| t == topic) {
            Some(e) => e.1 += v,
            None => votes.push((topic.to_string(), v)),
        };
        for (rank, topic) in ranked.into_iter().take(VOTE_DEPTH).enumerate() {
            add(topic, 1.0 / (rank as f64 + 1.0));
        }
        for t in named {
            add(t, NAMED_VOTE);
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
    pub fn lift(&self, topics: &[String]) -> f64 {
        let Some((main, rest)) = topics.split_first() else {
            return 0.0;
        };
        let share = self.share(main) + SECONDARY * rest.iter().map(|t| self.share(t)).sum::<f64>();
        LIFT * share / K
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_rewards_cases_both_lists_found() {
        let keyword = ["停车-错峰", "物业-收费", "停车-立体"];
        let meaning = ["停车-立体", "停车-错峰", "养犬-文明"];
        let scores = reciprocal_rank(&[(&keyword[..], 1.0), (&meaning[..], 1.0)]);
        let ranked = sorted(&scores, |s| *s);
        let order: Vec<&str> = ranked.iter().map(|r| r.0).collect();
        assert_eq!(&order[..2], &["停车-错峰", "停车-立体"]);
        assert_eq!(order.len(), 4, "a case only one list found still ranks");
        assert!(scores["物业-收费"] > scores["养犬-文明"], "rank 2 beats rank 3");
    }

    #[test]
    fn the_dominant_topic_is_guessed_and_lifts_its_cases() {
        let ranked = ["停车管理", "矛盾调解", "停车管理", "停车管理", "物业服务"];
        let guess = TopicGuess::vote(ranked, &[]);
        assert_eq!(guess.offered()[0], "停车管理");
        let total: f64 = guess.shares.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-9);
        let parking = guess.lift(&["停车管理".to_string()]);
        let mediation = guess.lift(&["矛盾调解".to_string(), "停车管理".to_string()]);
        assert!(parking > mediation && mediation > 0.0);
        assert_eq!(guess.lift(&[]), 0.0);
    }

    #[test]
    fn a_named_topic_counts_even_when_few_results_carry_it() {
        let guess = TopicGuess::vote(["垃圾分类", "垃圾分类"], &["社区微更新".to_string()]);
        assert!(guess.share("社区微更新") > 0.3, "{guess:?}");
        assert!(TopicGuess::vote([], &[]).offered().is_empty());
    }
}
