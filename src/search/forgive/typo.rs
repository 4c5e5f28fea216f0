//! Typos: a short query with a word the library never uses, one character of which is a
//! homophone of the character that would make a word it uses often (`加装电悌` → `加装电梯`:
//! 悌 and 梯 are both read *ti*). Pinyin input methods make exactly this mistake — the right
//! reading, the wrong character — so only homophones are tried: a query for a name or a word the
//! library lacks is not "corrected" into something that merely looks close, and a word of the
//! dictionary (社区达人) is never a typo, used here or not.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use tantivy::{Searcher, Term};

use pinyin::ToPinyinMulti;

use super::pinyin::all_hanzi;
use crate::analysis::{fold_char, Analyzer, Mode};
use crate::schema::Fields;

/// Queries longer than this (in characters) are descriptions: not checked for typos.
pub const MAX_QUERY_CHARS: usize = 12;
/// Longest stretch of the query (in characters) that a corrected word may cover.
const MAX_WORD_CHARS: usize = 6;

/// Characters by toneless reading (simplified characters only: the index holds no others).
fn homophones() -> &'static FxHashMap<&'static str, Vec<char>> {
    static TABLE: OnceLock<FxHashMap<&'static str, Vec<char>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: FxHashMap<&'static str, Vec<char>> = FxHashMap::default();
        for c in ('\u{4E00}'..='\u{9FFF}').filter(|&c| fold_char(c) == c) {
            if let Some(multi) = c.to_pinyin_multi() {
                for p in multi {
                    let chars = map.entry(p.plain()).or_default();
                    if !chars.contains(&c) {
                        chars.push(c);
                    }
                }
            }
        }
        map
    })
}

/// The characters read like `c` (some reading in common), but `c` itself.
fn sound_alikes(c: char) -> Vec<char> {
    let Some(multi) = c.to_pinyin_multi() else {
        return Vec::new();
    };
    let table = homophones();
    let mut out = Vec::new();
    for p in multi {
        for &h in table.get(p.plain()).into_iter().flatten() {
            if h != c && !out.contains(&h) {
                out.push(h);
            }
        }
    }
    out
}

/// In how many cases `word` occurs as a word: the most of any text field.
pub fn cases_with(searcher: &Searcher, fields: &Fields, word: &str) -> u64 {
    fields
        .weighted_text()
        .into_iter()
        .map(|(f, _)| {
            searcher
                .doc_freq(&Term::from_field_text(f, word))
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

/// The query with its typos corrected, if it has any this can correct.
pub fn correct(
    query: &str,
    analyzer: &Analyzer,
    searcher: &Searcher,
    fields: &Fields,
) -> Option<String> {
    let original: Vec<char> = query.chars().collect();
    if original.len() > MAX_QUERY_CHARS {
        return None;
    }
    // The normalized query: one character for each character typed.
    let normalized: Vec<char> = crate::analysis::normalize_str(query).chars().collect();
    if normalized.len() != original.len() {
        return None;
    }
    // Character offsets of the words the library never uses.
    let char_at = |byte: usize| query[..byte.min(query.len())].chars().count();
    let unknown: Vec<(usize, usize)> = analyzer
        .words(query, Mode::Query)
        .into_iter()
        .filter(|w| all_hanzi(&w.text) && cases_with(searcher, fields, &w.text) == 0)
        // A word of the dictionary the library happens not to use (社区达人) is no typo.
        .filter(|w| w.text.chars().count() == 1 || !analyzer.has_word(&w.text))
        .map(|w| (char_at(w.start), char_at(w.end)))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let mut fixed = normalized.clone();
    let mut changed = false;
    for (a, b) in unknown {
        // (characters covered, cases, position, replacement): the longest word, then the most
        // frequent.
        let mut best: Option<(usize, u64, usize, char)> = None;
        for len in (2..=MAX_WORD_CHARS).rev() {
            for start in (a + 1).saturating_sub(len)..b {
                let end = start + len;
                let Some(window) = fixed.get(start..end) else {
                    continue;
                };
                if window
                    .iter()
                    .any(|c| !('\u{4E00}'..='\u{9FFF}').contains(c))
                {
                    continue;
                }
                for p in start.max(a)..end.min(b) {
                    for h in sound_alikes(fixed[p]) {
                        let mut w: Vec<char> = window.to_vec();
                        w[p - start] = h;
                        let word: String = w.iter().collect();
                        let cases = cases_with(searcher, fields, &word);
                        if cases >= 2 || (cases == 1 && analyzer.has_word(&word)) {
                            let c = (len, cases, p, h);
                            if best.is_none_or(|b| (c.0, c.1) > (b.0, b.1)) {
                                best = Some(c);
                            }
                        }
                    }
                }
            }
            if best.is_some() {
                break;
            }
        }
        if let Some((_, _, p, h)) = best {
            fixed[p] = h;
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    // The typed spelling, with the corrected characters.
    Some(
        original
            .iter()
            .zip(normalized.iter().zip(&fixed))
            .map(|(&o, (&n, &f))| if n == f { o } else { f })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homophones_share_a_reading() {
        let ti = sound_alikes('悌');
        assert!(ti.contains(&'梯'), "{ti:?}");
        assert!(!ti.contains(&'悌'));
        assert!(sound_alikes('a').is_empty());
    }
}
