//! Queries typed in pinyin (`tingche`, `ting che`, `tíng chē`, `ting2che1`) read as the
//! library's own words: every word of two to six characters the index holds (at least twice,
//! or once when it is a dictionary word) is keyed by its toneless reading, and the typed letters
//! are covered by as few such words as possible, the more frequent the better. So `tingche` is
//! 停车 and not 婷彻: only what the library says can come out, and nothing is offered for a
//! query in characters (no homophone noise).

use rustc_hash::FxHashMap;
use tantivy::Searcher;

use pinyin::ToPinyinMulti;

use crate::analysis::Analyzer;
use crate::schema::Fields;

/// Longest query (in letters, tones and spaces removed) read as pinyin.
const MAX_LETTERS: usize = 60;
/// Words of at most this many characters are keyed.
const MAX_WORD_CHARS: usize = 6;
/// At most this many readings of one word are keyed (heteronyms multiply).
const MAX_READINGS: usize = 4;

/// The letters of a query typed in pinyin: lower-case `a`–`z` with tones, spaces and syllable
/// marks removed (`ü` is `v`), or `None` when the query is not pinyin-like.
pub fn letters(query: &str) -> Option<String> {
    let mut out = String::new();
    for c in query.trim().chars() {
        let base = match c {
            'a'..='z' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'Ü' => 'v',
            '0'..='5' | ' ' | '\'' | '’' | '-' | '\u{3000}' => continue,
            _ => return None,
        };
        out.push(base);
    }
    (out.len() >= 2 && out.len() <= MAX_LETTERS).then_some(out)
}

/// The toneless readings of a word (`ü` as `v`), at most [`MAX_READINGS`]; none when a character
/// has no reading.
pub fn readings(word: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        let Some(multi) = c.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut next = Vec::new();
        for prefix in &out {
            for p in multi.into_iter().take(2) {
                let mut s = prefix.clone();
                s.push_str(&p.plain().replace('ü', "v"));
                if !next.contains(&s) {
                    next.push(s);
                }
            }
        }
        next.truncate(MAX_READINGS);
        out = next;
    }
    out
}

/// Whether every character of `word` is a CJK ideograph.
pub fn all_hanzi(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// The library's words by reading.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Toneless reading → (word, number of cases), most cases first.
    by_reading: FxHashMap<String, Vec<(String, u32)>>,
    /// Longest key in bytes.
    longest: usize,
}

impl Vocabulary {
    /// Every word of the text fields of `searcher` worth offering, keyed by its readings.
    pub fn build(searcher: &Searcher, fields: &Fields, analyzer: &Analyzer) -> Vocabulary {
        let mut df: FxHashMap<String, u32> = FxHashMap::default();
        for reader in searcher.segment_readers() {
            let mut seg: FxHashMap<String, u32> = FxHashMap::default();
            for (field, _) in fields.weighted_text() {
                let Ok(inverted) = reader.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let n = word.chars().count();
                    if !(2..=MAX_WORD_CHARS).contains(&n) || !all_hanzi(word) {
                        continue;
                    }
                    let e = seg.entry(word.to_string()).or_default();
                    *e = (*e).max(stream.value().doc_freq);
                }
            }
            for (w, n) in seg {
                *df.entry(w).or_default() += n;
            }
        }
        let mut v = Vocabulary::default();
        for (word, n) in df {
            if n < 2 && !analyzer.has_word(&word) {
                continue;
            }
            for key in readings(&word) {
                v.longest = v.longest.max(key.len());
                v.by_reading.entry(key).or_default().push((word.clone(), n));
            }
        }
        for words in v.by_reading.values_mut() {
            words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            words.truncate(3);
        }
        v
    }

    /// The words the letters spell: as few words as possible covering all of them, then the
    /// most frequent; `None` when they cannot be covered.
    // `end` is a letter offset (a slice bound) as much as an index into `best`.
    #[allow(clippy::needless_range_loop)]
    pub fn spell(&self, letters: &str) -> Option<String> {
        let n = letters.len();
        // best[i]: (words used, sum of ln(cases), (start, word)) for the first i letters.
        let mut best: Vec<Option<(usize, f64, usize, &str)>> = vec![None; n + 1];
        best[0] = Some((0, 0.0, 0, ""));
        for i in 0..n {
            let Some((used, score, _, _)) = best[i] else {
                continue;
            };
            for end in i + 2..=n.min(i + self.longest) {
                let Some(words) = letters.get(i..end).and_then(|k| self.by_reading.get(k)) else {
                    continue;
                };
                let Some((word, cases)) = words.first() else {
                    continue;
                };
                let candidate = (used + 1, score + f64::from(*cases).ln(), i, word.as_str());
                let better = match best[end] {
                    None => true,
                    Some((u, s, _, _)) => candidate.0 < u || (candidate.0 == u && candidate.1 > s),
                };
                if better {
                    best[end] = Some(candidate);
                }
            }
        }
        let mut words = Vec::new();
        let mut at = n;
        while at > 0 {
            let (_, _, start, word) = best[at]?;
            words.push(word);
            at = start;
        }
        words.reverse();
        Some(words.concat())
    }

    /// Number of keyed readings.
    pub fn len(&self) -> usize {
        self.by_reading.len()
    }

    /// Whether nothing is keyed.
    pub fn is_empty(&self) -> bool {
        self.by_reading.is_empty()
    }

    /// A vocabulary of these words and case counts (tests).
    pub fn of(words: &[(&str, u32)]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for &(w, n) in words {
            for key in readings(w) {
                v.longest = v.longest.max(key.len());
                v.by_reading
                    .entry(key)
                    .or_default()
                    .push((w.to_string(), n));
            }
        }
        for words in v.by_reading.values_mut() {
            words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_letters_with_or_without_spaces_and_tones() {
        for q in [
            "tingche",
            "ting che",
            "Ting Che",
            "tíng chē",
            "ting2 che1",
            "ting'che",
        ] {
            assert_eq!(letters(q).as_deref(), Some("tingche"), "{q}");
        }
        assert_eq!(letters("lǜhuà").as_deref(), Some("lvhua"));
        assert_eq!(letters("停车"), None);
        assert_eq!(letters("12345"), None);
        assert_eq!(letters("wifi密码"), None);
    }

    #[test]
    fn readings_cover_heteronyms() {
        assert_eq!(
            readings("停车").first().map(String::as_str),
            Some("tingche")
        );
        assert!(readings("停车").len() <= MAX_READINGS);
        assert!(readings("银行").contains(&"yinhang".to_string()));
        assert!(readings("绿化").contains(&"lvhua".to_string()));
        assert!(readings("abc").is_empty());
    }

    #[test]
    fn letters_are_spelled_with_the_fewest_most_frequent_words() {
        let v = Vocabulary::of(&[
            ("停车", 40),
            ("婷彻", 1),
            ("加装", 10),
            ("电梯", 30),
            ("加装电梯", 25),
            ("业委会", 12),
            ("换届", 9),
        ]);
        assert_eq!(v.spell("tingche").as_deref(), Some("停车"));
        assert_eq!(v.spell("jiazhuangdianti").as_deref(), Some("加装电梯"));
        assert_eq!(v.spell("yeweihuihuanjie").as_deref(), Some("业委会换届"));
        assert_eq!(v.spell("parking"), None);
        assert_eq!(v.spell("tingchex"), None);
    }
}
