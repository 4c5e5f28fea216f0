//! Chinese text analysis: normalization, jieba segmentation with the governance dictionary,
//! stop words, and the positions and byte offsets the index needs.
//!
//! One [`Analyzer`] is loaded per process (jieba's dictionary costs ~150 ms and ~33 MB) and shared
//! behind an `Arc`; tokenizers ([`AnliTokenizer`]) hold the `Arc`, so cloning one per field or per
//! query costs a pointer copy.
//!
//! Three modes:
//! - [`Mode::Precise`]: jieba's precise cut with our dictionary; every non-space word, punctuation
//!   included, in the original spelling. What `anli segment` prints by default and what the
//!   segmentation-accuracy check scores.
//! - [`Mode::Index`]: search-mode granularity for the index. Each precise word gets one position;
//!   the dictionary words inside it (`加装` and `电梯` inside `加装电梯`) are emitted at the same
//!   position, so a search for `电梯` finds `加装电梯` while phrase queries built from precise
//!   words still line up.
//! - [`Mode::Query`]: the precise words of a query, one position each.
//!
//! Index and query modes normalize (full-width → half-width, lower-case, traditional →
//! simplified), drop punctuation and
//! spaces without spending a position, and drop stop words while keeping their position (so a
//! phrase keeps its gaps on both sides alike).

mod dict;
mod fold;
// The writing half of the format runs in `build.rs` and in the tests.
#[cfg_attr(not(test), allow(dead_code))]
mod format;
mod hmm;
mod normalize;
mod segment;
mod tokenizer;

pub use fold::fold_char;
pub use normalize::{normalize_char, normalize_str, Normalized};
pub use tokenizer::{AnliTokenStream, AnliTokenizer, INDEX_TOKENIZER, QUERY_TOKENIZER};

use std::collections::HashMap;

use rustc_hash::FxHashSet;
use std::sync::{Arc, Mutex, OnceLock};

use segment::Segmenter;

use crate::error::Error;
use crate::resources::{fingerprint, ResourceFile, SchemaFiles};

/// Names what normalization does to text before it is cut (full-width forms, letter case and
/// the traditional → simplified table); part of the index fingerprint, so a change rebuilds the
/// index.
pub fn normalization_id() -> String {
    format!("normalize-2 t2s-{}", fold::T2S_HASH)
}

/// Longest token (in bytes) that is indexed; longer runs (a 10 MB line of digits) are dropped.
pub const MAX_TOKEN_BYTES: usize = 255;

/// Granularity of segmentation. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// jieba's precise cut, punctuation kept, original spelling.
    Precise,
    /// search-mode granularity with shared positions, for indexing.
    Index,
    /// precise words with positions, for queries.
    Query,
}

impl Mode {
    /// Parse `precise` / `index` / `query`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "precise" => Some(Mode::Precise),
            "index" => Some(Mode::Index),
            "query" => Some(Mode::Query),
            _ => None,
        }
    }
}

/// One token found by the analyzer: offsets into the normalized text (for the token text) and
/// into the original text (for highlighting), and its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub norm_start: u32,
    pub norm_end: u32,
    pub start: u32,
    pub end: u32,
    pub position: u32,
}

/// A token with owned text, for callers outside the indexing hot path (the CLI, query building,
/// tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The token text (normalized, except in [`Mode::Precise`] where it is the original).
    pub text: String,
    /// Byte offset of the first byte in the original text.
    pub start: usize,
    /// Byte offset one past the last byte in the original text.
    pub end: usize,
    /// Token position (words sharing a position overlap).
    pub position: usize,
}

/// The loaded segmenter: jieba's segmentation over its default dictionary (prebuilt into the
/// binary) plus `schema/dict.txt`, and the stop words of `schema/stopwords.txt`.
pub struct Analyzer {
    segmenter: Segmenter,
    stopwords: FxHashSet<Box<str>>,
    /// Longest stop word in bytes: longer tokens skip the set lookup.
    stopword_max: usize,
    /// The stop words' dictionary ids, as a bit set: a word the cut looked up is checked with
    /// one bit test instead of a hash lookup.
    stop_ids: Vec<u64>,
    fingerprint: String,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("stopwords", &self.stopwords.len())
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl Analyzer {
    /// Open jieba's default dictionary (prebuilt, nothing to parse), then add our dictionary and
    /// stop words.
    pub fn load(dict: &ResourceFile, stopwords_file: &ResourceFile) -> Result<Analyzer, Error> {
        Analyzer::load_as(dict, stopwords_file, fingerprint(&[dict, stopwords_file]))
    }

    /// [`Analyzer::load`] with the fingerprint of the two files already computed.
    fn load_as(
        dict: &ResourceFile,
        stopwords_file: &ResourceFile,
        fingerprint: String,
    ) -> Result<Analyzer, Error> {
        let mut segmenter = Segmenter::new()?;
        for (word, freq) in user_words(dict)? {
            // A user word must at least win against its own parts, or it would not be kept
            // whole; `suggest_freq` gives the smallest frequency that does.
            let needed = segmenter.suggest_freq(word);
            segmenter.add_word(word, freq.unwrap_or(0).max(needed));
        }
        let stopwords: FxHashSet<Box<str>> = stopwords_file
            .entries()
            .map(|(_, w)| normalize_str(w.trim()).into_boxed_str())
            .filter(|w| !w.is_empty())
            .collect();
        let stopword_max = stopwords.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut stop_ids = vec![0u64; segmenter.word_count().div_ceil(64)];
        for id in stopwords.iter().filter_map(|w| segmenter.word_id(w)) {
            if let Some(bits) = stop_ids.get_mut(id as usize / 64) {
                *bits |= 1 << (id % 64);
            }
        }
        Ok(Analyzer {
            segmenter,
            stopwords,
            stopword_max,
            stop_ids,
            fingerprint,
        })
    }

    /// The analyzer for these schema files, loaded once per process and shared: a second call
    /// with the same dictionary and stop words returns the same `Arc`.
    pub fn shared(files: &SchemaFiles) -> Result<Arc<Analyzer>, Error> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Analyzer>>>> = OnceLock::new();
        let key = fingerprint(&[&files.dict, &files.stopwords]);
        let cache = CACHE.get_or_init(Default::default);
        if let Some(found) = cache.lock().map_err(|_| Error::Poisoned)?.get(&key) {
            return Ok(Arc::clone(found));
        }
        let started = std::time::Instant::now();
        let analyzer = Arc::new(Analyzer::load_as(
            &files.dict,
            &files.stopwords,
            key.clone(),
        )?);
        tracing::debug!(elapsed = ?started.elapsed(), "loaded jieba dictionary");
        cache
            .lock()
            .map_err(|_| Error::Poisoned)?
            .insert(key, Arc::clone(&analyzer));
        Ok(analyzer)
    }

    /// A fingerprint of the dictionary and stop words this analyzer was built from.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// jieba-rs itself with the same dictionary as this analyzer (its default dictionary plus
    /// `dict`, added the same way), for comparisons: our segmentation must equal its `cut`.
    /// Costs what `Jieba::new()` costs (~150 ms).
    pub fn reference_jieba(dict: &ResourceFile) -> Result<jieba_rs::Jieba, Error> {
        let mut jieba = jieba_rs::Jieba::new();
        for (word, freq) in user_words(dict)? {
            let freq = freq.and_then(|f| usize::try_from(f).ok());
            let needed = jieba.suggest_freq(word);
            jieba.add_word(word, Some(freq.unwrap_or(0).max(needed)), None);
        }
        Ok(jieba)
    }

    /// Cut `text` as jieba-rs's `cut(text, true)` does (byte ranges, punctuation and spaces
    /// included), without normalizing it: the comparison point with [`Self::reference_jieba`].
    pub fn cut(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        self.segmenter
            .cut(text, true, |p| out.push((p.start, p.end)));
        out
    }

    /// Whether `word` (normalized) is a stop word.
    #[inline]
    pub fn is_stopword(&self, word: &str) -> bool {
        word.len() <= self.stopword_max && self.stopwords.contains(word)
    }

    /// [`Self::is_stopword`] for a word whose dictionary id the cut may know.
    #[inline]
    fn is_stop(&self, word: &str, id: Option<u32>) -> bool {
        match id {
            Some(id) => self
                .stop_ids
                .get(id as usize / 64)
                .is_some_and(|bits| bits & (1 << (id % 64)) != 0),
            None => self.is_stopword(word),
        }
    }

    /// How rare `word` is in general Chinese, from the dictionary's word frequencies: `−ln` of
    /// its share (地方 ≈ 7, 越来越 ≈ 8.9, 停车 ≈ 12.4, 车位 ≈ 15). `None` for a word the
    /// dictionary lacks (a name, a number, a new coinage): rare by any measure.
    pub fn rarity(&self, word: &str) -> Option<f64> {
        self.segmenter.rarity(word)
    }

    /// Whether `word` is in the dictionary (jieba's or ours).
    pub fn has_word(&self, word: &str) -> bool {
        self.segmenter.word_id(word).is_some()
    }

    /// A tantivy tokenizer in `mode` that shares this analyzer.
    pub fn tokenizer(self: &Arc<Self>, mode: Mode) -> AnliTokenizer {
        AnliTokenizer::new(Arc::clone(self), mode)
    }

    /// Analyze `text` and return its words with owned text.
    pub fn words(&self, text: &str, mode: Mode) -> Vec<Word> {
        let mut norm = Normalized::default();
        let mut spans = Vec::new();
        self.analyze_into(text, mode, &mut norm, &mut spans);
        let normalized = norm.text(text);
        spans
            .iter()
            .map(|s| Word {
                text: if mode == Mode::Precise {
                    text[s.start as usize..s.end as usize].to_string()
                } else {
                    normalized[s.norm_start as usize..s.norm_end as usize].to_string()
                },
                start: s.start as usize,
                end: s.end as usize,
                position: s.position as usize,
            })
            .collect()
    }

    /// The dictionary words inside a query word, as index mode would emit them (`加装`, `电梯`
    /// for `加装电梯`), without the word itself.
    pub fn subwords(&self, word: &str) -> Vec<String> {
        self.words(word, Mode::Index)
            .into_iter()
            .filter(|w| w.text != word)
            .map(|w| w.text)
            .collect()
    }

    /// The core: segment `input` into `spans`, reusing both buffers.
    pub(crate) fn analyze_into(
        &self,
        input: &str,
        mode: Mode,
        norm: &mut Normalized,
        spans: &mut Vec<Span>,
    ) {
        spans.clear();
        norm.normalize(input);
        let text = norm.text(input);
        let mut cursor = 0;
        let mut position = 0;
        self.segmenter.cut(text, true, |piece| {
            let word = &text[piece.start..piece.end];
            match mode {
                Mode::Precise => {
                    if !word.chars().all(char::is_whitespace) {
                        spans.push(span(norm, &mut cursor, piece.start, piece.end, spans.len()));
                    }
                }
                Mode::Query => {
                    if !is_word(word) {
                        return;
                    }
                    if word.len() <= MAX_TOKEN_BYTES && !self.is_stop(word, piece.id) {
                        spans.push(span(norm, &mut cursor, piece.start, piece.end, position));
                    }
                    position += 1;
                }
                Mode::Index => {
                    // jieba's search mode, with positions decided here: each precise word
                    // takes one position, and the dictionary words of 2 and 3 characters inside
                    // it (what `cut_for_search` adds, read off the DAG the cut already built)
                    // are emitted just before it at the same position.
                    if !is_word(word) {
                        return;
                    }
                    if word.len() <= MAX_TOKEN_BYTES {
                        piece.inner_words(&[2, 3], MAX_INNER_CHARS, |start, end, id| {
                            if !self.is_stop(&text[start..end], Some(id)) {
                                spans.push(span(norm, &mut cursor, start, end, position));
                            }
                        });
                        if !self.is_stop(word, piece.id) {
                            spans.push(span(norm, &mut cursor, piece.start, piece.end, position));
                        }
                    }
                    position += 1;
                }
            }
        });
    }
}

/// The words of our dictionary file, in order, with their frequency when one is given: lines
/// are `词语 [词频] [词性]`, and `词语 n` (a tag without a frequency) is accepted too.
fn user_words(dict: &ResourceFile) -> Result<Vec<(&str, Option<u64>)>, Error> {
    let mut words = Vec::new();
    for (line, fields) in dict.entries() {
        let mut parts = fields.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let second = parts.next();
        let third = parts.next();
        let freq = match second {
            Some(f) if f.bytes().all(|b| b.is_ascii_digit()) => f.parse::<u64>().ok(),
            Some(t) if third.is_none() && t.bytes().all(|b| b.is_ascii_alphabetic()) => None,
            Some(f) => {
                return Err(Error::Resource {
                    path: dict.path.clone(),
                    line,
                    message: format!("词频“{f}”不是整数（格式：词语 [词频] [词性]）"),
                })
            }
            None => None,
        };
        words.push((word, freq));
    }
    Ok(words)
}

/// Words longer than this (in characters) get no inner words in index mode.
const MAX_INNER_CHARS: usize = 16;

#[inline]
fn span(norm: &Normalized, cursor: &mut usize, start: usize, end: usize, position: usize) -> Span {
    Span {
        norm_start: start as u32,
        norm_end: end as u32,
        start: norm.to_original_from(cursor, start) as u32,
        end: norm.to_original_from(cursor, end) as u32,
        position: position as u32,
    }
}

/// A token worth indexing: it has at least one letter, digit or ideograph.
#[inline]
fn is_word(word: &str) -> bool {
    word.chars().any(|c| {
        c.is_ascii_alphanumeric()
            || ('\u{4E00}'..='\u{9FFF}').contains(&c)
            // General punctuation and CJK punctuation (none of them letters or digits) are
            // turned away before the Unicode tables are consulted.
            || (!c.is_ascii()
                && !matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}')
                && c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests;
